//! `/invite/:token`: the invitee picks a username and password and joins.

use crate::api::invites::{AcceptInvite, InviteInfo, lookup_invite};
use crate::components::form::{BUTTON_CLASS, Field, FormAlert, action_error};
use crate::pages::AuthCard;
use crate::pages::recovery::LinkTrouble;
use crate::pages::setup::{NewPasswordFields, username_hint};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The token from the path, the same during the server render and after hydration.
pub fn token_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("token")).unwrap_or_default())
}

#[component]
pub fn InviteAcceptPage() -> impl IntoView {
    let token = token_param();
    let invite = Resource::new_blocking(move || token.get(), lookup_invite);
    view! {
        <Title text="Accept invite"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match invite.await {
                    Ok(info) => view! { <AcceptForm info token=token.get_untracked()/> }.into_any(),
                    Err(err) => view! { <LinkTrouble title="This invite cannot be used" message=err.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AcceptForm(info: InviteInfo, token: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvite>::new();
    let error = action_error(action);
    let form_error = Signal::derive(move || error.get().filter(|e| e.field.is_none()));
    let (username, set_username) = signal(info.suggested_username.clone());
    let hint = username_hint(username);
    view! {
        <AuthCard title="Join Gatehouse" subtitle="One account for every app on this server.">
            <p class="mb-4 text-sm text-slate-700 dark:text-slate-300">
                {info.invited_by.clone()} " invited " <strong class="break-all">{info.email.clone()}</strong>
                " with the " {info.role.replace('_', " ")} " role. The invite expires " {info.expires.clone()} "."
            </p>
            <ActionForm action=action attr:class="space-y-4" attr:aria-label="Accept invite">
                <FormAlert error=form_error/>
                <input type="hidden" name="token" value=token/>
                <Field name="username" label="Username" autocomplete="username" required=true error
                    initial=info.suggested_username.clone() hint on_input=Callback::new(move |v| set_username.set(v))/>
                <Field name="full_name" label="Full name" autocomplete="name" error/>
                <NewPasswordFields error/>
                <button type="submit" class=BUTTON_CLASS disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating your account…" } else { "Create account" }}
                </button>
            </ActionForm>
        </AuthCard>
    }
}
