//! `/register`: create one's own account, when the settings allow it.

use crate::api::recovery::{Register, registration_mode};
use crate::components::form::{BUTTON_CLASS, Field, FormAlert, action_error};
use crate::pages::AuthCard;
use crate::pages::setup::{NewPasswordFields, username_hint};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let mode = Resource::new_blocking(|| (), |_| registration_mode());
    view! {
        <Title text="Create an account"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match mode.await.as_deref() {
                    Ok("open") => view! { <RegisterForm approval=false/> }.into_any(),
                    Ok("approval") => view! { <RegisterForm approval=true/> }.into_any(),
                    _ => view! {
                        <AuthCard title="Registration is closed" subtitle="Accounts on this server are made by invitation.">
                            <p class="text-sm text-slate-700 dark:text-slate-300">"Ask an administrator to invite you."</p>
                            <p class="mt-4 text-sm"><a href="/login" class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">"Go to sign in"</a></p>
                        </AuthCard>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RegisterForm(approval: bool) -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let error = action_error(action);
    let (username, set_username) = signal(String::new());
    let hint = username_hint(username);
    let waiting = move || action.value().get().and_then(Result::ok);
    let subtitle = if approval {
        "An administrator approves new accounts before they can sign in."
    } else {
        "One account for every app on this server."
    };
    view! {
        <AuthCard title="Create an account" subtitle=subtitle>
            {move || match waiting() {
                Some(done) if done.pending => view! {
                    <p role="status" class="text-sm text-slate-700 dark:text-slate-300">
                        "Check your mail, " <strong class="break-all">{done.username}</strong> ". We sent a link to "
                        <strong class="break-all">{done.email}</strong> ": open it within 24 hours. Your account then waits for an administrator's approval, and you will get another mail when you can sign in."
                    </p>
                }.into_any(),
                Some(done) => view! {
                    <p role="status" class="text-sm text-slate-700 dark:text-slate-300">
                        "Check your mail, " <strong class="break-all">{done.username}</strong> ". We sent a link to "
                        <strong class="break-all">{done.email}</strong> ": open it within 24 hours to create your account."
                    </p>
                }.into_any(),
                None => view! {
                    <ActionForm action=action attr:class="space-y-4" attr:aria-label="Create an account">
                        <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field.is_none()))/>
                        <Field name="username" label="Username" autocomplete="username" required=true error
                            hint on_input=Callback::new(move |v| set_username.set(v))/>
                        <div class="grid gap-3 sm:grid-cols-2">
                            <Field name="first_name" label="First name" autocomplete="given-name" required=true error/>
                            <Field name="last_name" label="Last name" autocomplete="family-name" required=true error/>
                        </div>
                        <Field name="email" label="Email" kind="email" autocomplete="email" required=true error/>
                        <NewPasswordFields error/>
                        <button type="submit" class=BUTTON_CLASS disabled=move || action.pending().get()>"Create account"</button>
                    </ActionForm>
                }.into_any(),
            }}
            <p class="mt-4 text-center text-sm">"Have an account? " <a href="/login" class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">"Sign in"</a></p>
        </AuthCard>
    }
}

/// `/register/:token`: the link a registration mailed. Creating the account takes a click:
/// mail scanners open links, and a GET must change nothing.
#[component]
pub fn RegisterConfirmPage() -> impl IntoView {
    use crate::api::recovery::{RegisterConfirm, register_lookup};
    use crate::pages::invite_accept::token_param;
    use crate::pages::recovery::LinkTrouble;
    let token = token_param();
    let lookup = Resource::new_blocking(move || token.get(), register_lookup);
    let action = ServerAction::<RegisterConfirm>::new();
    let error = action_error(action);
    let waiting = move || action.value().get().and_then(Result::ok) == Some(true);
    let form = move || {
        view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match lookup.await {
                        Ok(username) => view! {
                            <AuthCard title="Confirm your account" subtitle="Opening this link confirms your email address.">
                                <ActionForm action=action attr:class="space-y-4" attr:aria-label="Create your account">
                                    <FormAlert error/>
                                    <input type="hidden" name="token" value=move || token.get()/>
                                    <p class="text-sm text-slate-700 dark:text-slate-300">"Username: " <strong class="break-all">{username}</strong></p>
                                    <button type="submit" class=BUTTON_CLASS disabled=move || action.pending().get()>"Create my account"</button>
                                </ActionForm>
                            </AuthCard>
                        }.into_any(),
                        Err(err) => view! { <LinkTrouble title="This link cannot be used" message=err.message/> }.into_any(),
                    }
                })}
            </Suspense>
        }
    };
    view! {
        <Title text="Confirm your account"/>
        <Show when=waiting fallback=form>
            <AuthCard title="Your address is confirmed" subtitle="One step left.">
                <p role="status" class="text-sm text-slate-700 dark:text-slate-300">
                    "Your account waits for an administrator's approval. You will get an email when you can sign in."
                </p>
            </AuthCard>
        </Show>
    }
}
