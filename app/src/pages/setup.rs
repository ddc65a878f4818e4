//! `/setup`: creates the owner on first run; a 404 once anyone exists.

use crate::api::{SetupOwner, setup_state};
use crate::components::form::{BUTTON_CLASS, Field, FormAlert, action_error};
use crate::pages::AuthCard;
use crate::pages::not_found::NotFound;
use crate::rules;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SetupPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| setup_state());
    view! {
        <Title text="Set up"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(true) => view! { <SetupForm/> }.into_any(),
                    _ => view! { <NotFound/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SetupForm() -> impl IntoView {
    let action = ServerAction::<SetupOwner>::new();
    let error = action_error(action);
    let form_error = Signal::derive(move || error.get().filter(|e| e.field.is_none()));
    let (username, set_username) = signal(String::new());
    let username_hint = username_hint(username);
    view! {
        <AuthCard title="Welcome to Gatehouse" subtitle="Create the owner account. The owner can do everything, including managing other admins.">
            <ActionForm action=action attr:class="space-y-4" attr:aria-label="Create owner account">
                <FormAlert error=form_error/>
                <Field name="username" label="Username" autocomplete="username" required=true error=error
                    hint=username_hint on_input=Callback::new(move |v| set_username.set(v))/>
                <Field name="full_name" label="Full name" autocomplete="name" error=error/>
                <Field name="email" label="Email" kind="email" autocomplete="email" required=true error=error/>
                <NewPasswordFields error/>
                <button type="submit" class=BUTTON_CLASS disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating account…" } else { "Create owner account" }}
                </button>
            </ActionForm>
        </AuthCard>
    }
}

/// A new password with live strength feedback, and its confirmation (`password`,
/// `password_confirm`). The server's check (zxcvbn, reuse) has the last word.
#[component]
pub fn NewPasswordFields(
    #[prop(into)] error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let (password, set_password) = signal(String::new());
    let strength = Memo::new(move |_| rules::password_strength(&password.get()));
    view! {
        <div>
            <Field name="password" label="Password" kind="password" autocomplete="new-password" required=true
                error=error on_input=Callback::new(move |v| set_password.set(v))
                hint=Signal::derive(move || {
                    let s = strength.get();
                    (!password.get().is_empty()).then(|| format!("{}. {}", s.label, s.hint).trim_end_matches(". ").to_string())
                })/>
            <StrengthMeter score=Signal::derive(move || strength.get().score) visible=Signal::derive(move || !password.get().is_empty())/>
        </div>
        <Field name="password_confirm" label="Confirm password" kind="password" autocomplete="new-password" required=true error=error/>
    }
}

/// Live username feedback from the shared rules: what is wrong, or how it will be stored.
pub fn username_hint(username: ReadSignal<String>) -> Signal<Option<String>> {
    Signal::derive(move || {
        let name = username.get();
        if name.is_empty() {
            return Some(format!(
                "{}–{} letters, digits, '.' or '-'.",
                rules::USERNAME_MIN,
                rules::USERNAME_MAX
            ));
        }
        match rules::normalize_username(&name) {
            Ok(normalized) if normalized != name => {
                Some(format!("You will sign in as \"{normalized}\"."))
            }
            Ok(_) => None,
            Err(problem) => Some(problem.message()),
        }
    })
}

/// Four bars that fill and change colour with the password's strength score.
#[component]
fn StrengthMeter(score: Signal<u8>, visible: Signal<bool>) -> impl IntoView {
    let colour = move || match score.get() {
        0 | 1 => "bg-red-500",
        2 => "bg-amber-500",
        3 => "bg-lime-500",
        _ => "bg-emerald-500",
    };
    view! {
        <div class="mt-1 flex gap-1" aria-hidden="true" class:invisible=move || !visible.get()>
            {(1..=4u8)
                .map(|bar| {
                    view! {
                        <span class=move || {
                            let fill = if score.get() >= bar { colour() } else { "bg-slate-200 dark:bg-slate-700" };
                            format!("h-1 flex-1 rounded-full {fill}")
                        }></span>
                    }
                })
                .collect_view()}
        </div>
    }
}
