//! `/forgot`, `/reset/:token` and `/verify-email/:token`: getting back into an account.

use crate::api::recovery::{ConfirmEmail, ForgotPassword, ResetPassword, lookup_reset};
use crate::components::form::{BUTTON_CLASS, Field, FormAlert, action_error};
use crate::pages::AuthCard;
use crate::pages::invite_accept::token_param;
use crate::pages::setup::NewPasswordFields;
use leptos::prelude::*;
use leptos_meta::Title;

const LINK_CLASS: &str = "font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300";

/// The page a dead or mistyped link leads to: what happened, and the way on.
#[component]
pub fn LinkTrouble(title: &'static str, message: String) -> impl IntoView {
    view! {
        <AuthCard title=title subtitle="Links from Gatehouse mails work once, for a limited time.">
            <p role="alert" class="text-sm text-slate-700 dark:text-slate-300">{message}</p>
            <p class="mt-4 text-sm"><a href="/login" class=LINK_CLASS>"Go to sign in"</a>
                " · " <a href="/forgot" class=LINK_CLASS>"Reset your password"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let error = action_error(action);
    let done = move || action.value().get().is_some_and(|r| r.is_ok());
    view! {
        <Title text="Forgot password"/>
        <AuthCard title="Reset your password" subtitle="We will mail you a link to choose a new one.">
            <Show when=done fallback=move || view! {
                <ActionForm action=action attr:class="space-y-4" attr:aria-label="Reset password">
                    <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field.is_none()))/>
                    <Field name="login" label="Username or email" autocomplete="username" required=true error/>
                    <button type="submit" class=BUTTON_CLASS disabled=move || action.pending().get()>"Send reset link"</button>
                </ActionForm>
            }>
                <p role="status" class="text-sm text-slate-700 dark:text-slate-300">
                    "If an account matches, a link to reset its password is on its way. It works for one hour. Check your spam folder if nothing arrives."
                </p>
            </Show>
            <p class="mt-4 text-center text-sm"><a href="/login" class=LINK_CLASS>"Back to sign in"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let token = token_param();
    let account = Resource::new_blocking(move || token.get(), lookup_reset);
    view! {
        <Title text="Choose a new password"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(username) => view! { <ResetForm username token=token.get_untracked()/> }.into_any(),
                    Err(err) => view! { <LinkTrouble title="This reset link cannot be used" message=err.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ResetForm(username: String, token: String) -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    view! {
        <AuthCard title="Choose a new password" subtitle="You will be signed out everywhere and sign in again with it.">
            <ActionForm action=action attr:class="space-y-4" attr:aria-label="New password">
                <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field.is_none()))/>
                <input type="hidden" name="token" value=token/>
                <input type="text" name="username" value=username.clone() autocomplete="username" hidden=true readonly=true/>
                <p class="text-sm text-slate-700 dark:text-slate-300">"Account: " <strong>{username}</strong></p>
                <NewPasswordFields error/>
                <button type="submit" class=BUTTON_CLASS disabled=move || action.pending().get()>"Set new password"</button>
            </ActionForm>
        </AuthCard>
    }
}

/// Confirming takes a click: mail scanners open links, and a GET must change nothing.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let token = token_param();
    let action = ServerAction::<ConfirmEmail>::new();
    let error = action_error(action);
    let confirmed = move || action.value().get().and_then(Result::ok);
    view! {
        <Title text="Confirm email address"/>
        <AuthCard title="Confirm your email address" subtitle="Your account will use this address from now on.">
            {move || match confirmed() {
                Some(email) => view! {
                    <p role="status" class="text-sm text-slate-700 dark:text-slate-300">
                        "Done: " <strong class="break-all">{email}</strong> " is confirmed for your account."
                    </p>
                    <p class="mt-4 text-sm"><a href="/profile" class=LINK_CLASS>"Go to your profile"</a></p>
                }.into_any(),
                None => view! {
                    <ActionForm action=action attr:class="space-y-4" attr:aria-label="Confirm email address">
                        <FormAlert error/>
                        <input type="hidden" name="token" value=move || token.get()/>
                        <button type="submit" class=BUTTON_CLASS disabled=move || action.pending().get()>"Confirm this address"</button>
                    </ActionForm>
                }.into_any(),
            }}
        </AuthCard>
    }
}
