//! `/login`: sign in with a username or email and a password.

use crate::api::recovery::registration_mode;
use crate::api::{Login, LoginCode};
use crate::components::form::{BUTTON_CLASS, Field, FormAlert, action_error};
use crate::pages::AuthCard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const LINK_CLASS: &str = "rounded font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300";

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let error = action_error(action);
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let reset_done = move || query.with(|q| q.get("reset")).is_some_and(|v| v == "done");
    let mode = Resource::new(|| (), |_| registration_mode());
    view! {
        <Title text="Sign in"/>
        <AuthCard title="Sign in to Gatehouse" subtitle="One account for every app on this server.">
            <ActionForm action=action attr:class="space-y-4" attr:aria-label="Sign in">
                <FormAlert error=error/>
                <Show when=reset_done>
                    <p role="status" class="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
                        "Your password is changed, and every other session is signed out. Sign in with the new password."
                    </p>
                </Show>
                <input type="hidden" name="next" value=next/>
                <Field name="login" label="Username or email" autocomplete="username" required=true
                    initial=query.with_untracked(|q| q.get("login")).unwrap_or_default()
                    error=Signal::derive(|| None)/>
                <Field name="password" label="Password" kind="password" autocomplete="current-password" required=true
                    error=Signal::derive(|| None)/>
                <button type="submit" class=BUTTON_CLASS disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <div class="mt-4 flex flex-wrap justify-between gap-2 text-sm">
                <a href="/forgot" class=LINK_CLASS>"Forgot password?"</a>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let open = mode.await.is_ok_and(|m| m != "off");
                        open.then(|| view! { <a href="/register" class=LINK_CLASS>"Create an account"</a> })
                    })}
                </Suspense>
            </div>
        </AuthCard>
    }
}

/// `/login/code`: the second step for someone with 2FA.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let action = ServerAction::<LoginCode>::new();
    let error = action_error(action);
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let expired = move || error.get().is_some_and(|e| e.code == "sign_in_expired");
    view! {
        <Title text="Two-factor code"/>
        <AuthCard title="Enter your code" subtitle="Open your authenticator app and type the 6-digit code it shows.">
            <ActionForm action=action attr:class="space-y-4" attr:aria-label="Two-factor code">
                <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field.is_none()))/>
                <input type="hidden" name="next" value=next/>
                <Field name="code" label="Authentication code" autocomplete="one-time-code" required=true error
                    hint=Signal::derive(|| Some("No phone at hand? Enter one of your backup codes instead.".to_string()))/>
                <button type="submit" class=BUTTON_CLASS disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Checking…" } else { "Verify" }}
                </button>
            </ActionForm>
            <div class="mt-4 flex flex-wrap justify-between gap-2 text-sm">
                <a href="/login" class=LINK_CLASS>
                    {move || if expired() { "Sign in again" } else { "Use another account" }}
                </a>
            </div>
        </AuthCard>
    }
}
