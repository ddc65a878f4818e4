//! `/login`: sign in with a username or email and a password.

use crate::api::Login;
use crate::components::form::{BUTTON_CLASS, Field, FormAlert, action_error};
use crate::pages::AuthCard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let error = action_error(action);
    let next = move || use_query_map().with(|q| q.get("next")).unwrap_or_default();
    view! {
        <Title text="Sign in"/>
        <AuthCard title="Sign in to Gatehouse" subtitle="One account for every app on this server.">
            <ActionForm action=action attr:class="space-y-4" attr:aria-label="Sign in">
                <FormAlert error=error/>
                <input type="hidden" name="next" value=next/>
                <Field name="login" label="Username or email" autocomplete="username" required=true
                    error=Signal::derive(|| None)/>
                <Field name="password" label="Password" kind="password" autocomplete="current-password" required=true
                    error=Signal::derive(|| None)/>
                <button type="submit" class=BUTTON_CLASS disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
        </AuthCard>
    }
}
