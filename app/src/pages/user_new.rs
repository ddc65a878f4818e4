//! `/users/new`: create an active account with a temporary password.

use crate::api::users::{CreateUser, generate_password};
use crate::components::form::{
    Field, FormAlert, PRIMARY_BUTTON_CLASS, RoleSelect, SECONDARY_BUTTON_CLASS, action_error,
};
use crate::components::widgets::{PageHeader, Section};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewUserPage() -> impl IntoView {
    let action = ServerAction::<CreateUser>::new();
    let error = action_error(action);
    let password = RwSignal::new(String::new());
    let generate = Action::new(|_: &()| generate_password());
    Effect::new(move || {
        if let Some(Ok(fresh)) = generate.value().get() {
            password.set(fresh);
        }
    });
    view! {
        <Title text="New user"/>
        <nav aria-label="Breadcrumb" class="mb-2 text-sm"><a href="/users" class="text-indigo-700 hover:underline dark:text-indigo-300">"Users"</a></nav>
        <PageHeader title="New user" description="Hand over the temporary password yourself: at the first sign-in they must replace it with their own."/>
        <div class="max-w-xl">
            <Section title="Account">
                <ActionForm action=action attr:class="space-y-3" attr:aria-label="New user">
                    <FormAlert error/>
                    <Field name="username" label="Username" autocomplete="off" required=true error/>
                    <Field name="full_name" label="Full name" autocomplete="off" error/>
                    <Field name="email" label="Email" kind="email" autocomplete="off" required=true error/>
                    <RoleSelect note="Your role creates users with the user role only."/>
                    <div class="flex items-end gap-2">
                        <div class="flex-1">
                            <Field name="temporary_password" label="Temporary password" autocomplete="new-password"
                                required=true value=password on_input=Callback::new(move |v| password.set(v)) error/>
                        </div>
                        <button type="button" class=format!("{SECONDARY_BUTTON_CLASS} mb-6")
                            on:click=move |_| { generate.dispatch(()); }>"Generate"</button>
                    </div>
                    <div class="flex items-start gap-2">
                        <input id="field-pending" type="checkbox" name="pending" class="mt-0.5 h-4 w-4 rounded border-slate-300" aria-describedby="field-pending-help"/>
                        <div>
                            <label for="field-pending" class="text-sm font-medium">"Wait for approval"</label>
                            <p id="field-pending-help" class="text-xs text-slate-500 dark:text-slate-400">"The account cannot sign in until an administrator approves it."</p>
                        </div>
                    </div>
                    <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=move || action.pending().get()>"Create user"</button>
                </ActionForm>
            </Section>
        </div>
    }
}
