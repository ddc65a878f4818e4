//! The user page's "Sign-in" section: their two-factor state (which an administrator can
//! turn off) and impersonation.

use crate::api::mfa::{UserImpersonate, UserMfaDisable, user_mfa};
use crate::components::confirm::ConfirmDialog;
use crate::components::copy::CopyLink;
use crate::components::form::{
    DANGER_BUTTON_CLASS, FormAlert, SECONDARY_BUTTON_CLASS, action_error,
};
use crate::components::widgets::{Badge, Section};
use leptos::prelude::*;

#[component]
pub fn AccessSection(
    id: String,
    username: String,
    /// The viewer may change this account (turn its 2FA off).
    editable: bool,
    /// The viewer may impersonate this account.
    impersonate: bool,
) -> impl IntoView {
    let disable = ServerAction::<UserMfaDisable>::new();
    let make = ServerAction::<UserImpersonate>::new();
    let disable_error = action_error(disable);
    let make_error = action_error(make);
    let user_id = id.clone();
    let status = Resource::new(
        move || (user_id.clone(), disable.version().get()),
        |(id, _)| user_mfa(id),
    );
    let made = move || make.value().get().and_then(Result::ok);
    let (id_for_disable, name_for_disable) = (id.clone(), username.clone());
    view! {
        <Section title="Sign-in">
            <FormAlert error=disable_error/>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || {
                    let id = StoredValue::new(id_for_disable.clone());
                    let username = name_for_disable.clone();
                    let button = StoredValue::new(format!("Turn off 2FA for {username}"));
                    Suspend::new(async move {
                        status.await.map(|s| view! {
                            <div class="flex flex-wrap items-center justify-between gap-2 text-sm">
                                <span>"Two-factor authentication"</span>
                                <Badge text=(if s.enabled { "on" } else { "off" }).to_string()/>
                            </div>
                            {s.enabled.then(|| view! {
                                <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">
                                    {format!("{} backup codes left.", s.backup_codes_left)}
                                </p>
                                <div class="mt-3">
                                    <ConfirmDialog label="Turn off 2FA" title=format!("Turn off two-factor authentication for {username}?")
                                        text=format!("{username} will sign in with the password alone, and can set up a new device from their profile. Their backup codes stop working.")
                                        enabled=editable>
                                        <ActionForm action=disable>
                                            <input type="hidden" name="id" value=id.get_value()/>
                                            <button type="submit" class=DANGER_BUTTON_CLASS>{button.get_value()}</button>
                                        </ActionForm>
                                    </ConfirmDialog>
                                </div>
                            })}
                        })
                    })
                }}
            </Suspense>
            {impersonate.then(|| view! {
                <div class="mt-4 space-y-3 border-t border-slate-200 pt-4 dark:border-slate-800">
                    <p class="text-sm text-slate-600 dark:text-slate-400">
                        {format!("Make a temporary password that signs in as {username}, without their second factor. Their own password stays as it is; everything you do is recorded as you, on their behalf.")}
                    </p>
                    <FormAlert error=make_error/>
                    <ActionForm action=make attr:aria-label="Impersonate">
                        <input type="hidden" name="id" value=id.clone()/>
                        <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || make.pending().get()>
                            "Impersonate user"
                        </button>
                    </ActionForm>
                    {move || made().map(|p| view! {
                        <div role="status" class="space-y-2">
                            <CopyLink link=p.password label="Impersonation password"/>
                            <p class="text-xs text-slate-500 dark:text-slate-400">
                                {format!("Sign in as {} with this password, in a private window, until {}. It is shown only once.", p.username, p.expires_at)}
                            </p>
                        </div>
                    })}
                </div>
            })}
        </Section>
    }
}
