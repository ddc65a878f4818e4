//! `/two-factor`: setting up TOTP: scan or type the key, confirm with a code, keep the backup
//! codes. Stands alone (no sidebar), since a user held here by mandatory 2FA may open nothing
//! else.

use crate::api::mfa::{MfaSetupConfirm, mfa_setup_begin, mfa_status};
use crate::api::{Logout, current_user};
use crate::components::codes::BackupCodes;
use crate::components::copy::CopyLink;
use crate::components::form::{BUTTON_CLASS, Field, FormAlert, action_error};
use crate::pages::AuthCard;
use leptos::prelude::*;
use leptos_meta::Title;

const LINK_CLASS: &str = "rounded font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300";

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_user());
    let status = Resource::new(|| (), |_| mfa_status());
    let logout = ServerAction::<Logout>::new();
    view! {
        <Title text="Two-factor authentication"/>
        <AuthCard title="Two-factor authentication" subtitle="A code from an app on your phone, as well as your password.">
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let username = me.await.ok().flatten().map(|m| m.username).unwrap_or_default();
                    match status.await {
                        Ok(s) if s.enabled => view! {
                            <p role="status" class="text-sm">"Two-factor authentication is already on for your account."</p>
                            <p class="mt-4 text-sm"><a href="/profile" class=LINK_CLASS>"Back to your profile"</a></p>
                        }.into_any(),
                        Ok(s) => view! { <Setup username required=s.required/> }.into_any(),
                        Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=logout attr:class="mt-6 text-center">
                <button type="submit" class="text-sm text-slate-600 underline hover:text-slate-900 dark:text-slate-400">"Sign out"</button>
            </ActionForm>
        </AuthCard>
    }
}

#[component]
fn Setup(username: String, required: bool) -> impl IntoView {
    let key = Resource::new(|| (), |_| mfa_setup_begin());
    let confirm = ServerAction::<MfaSetupConfirm>::new();
    let error = action_error(confirm);
    let codes = move || confirm.value().get().and_then(Result::ok);
    view! {
        {required.then(|| view! {
            <p role="status" class="mb-4 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-900 dark:border-indigo-900 dark:bg-indigo-950 dark:text-indigo-100">
                "This server requires two-factor authentication. Set it up to continue."
            </p>
        })}
        // The setup steps are hidden, not removed, once the codes arrive: removing the form
        // whose action just finished would dispose what that action still touches.
        {move || codes().map(|codes| view! {
            <h2 class="mb-3 text-base font-semibold">"Two-factor authentication is on"</h2>
            <BackupCodes codes username=username.clone()/>
            <a href="/" class=format!("{BUTTON_CLASS} mt-4")>"Continue"</a>
        })}
        <div class:hidden=move || codes().is_some()>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Making your key…"</p> }>
                {move || Suspend::new(async move {
                    match key.await {
                        Ok(setup) => view! {
                            <ol class="space-y-5 text-sm">
                                <li class="space-y-2">
                                    <p><strong>"1. "</strong>"Scan this code with an authenticator app (Aegis, 2FAS, Google Authenticator, 1Password…)."</p>
                                    <div class="mx-auto w-48 rounded-md border border-slate-200 p-1 dark:border-slate-700" inner_html=setup.qr_svg></div>
                                </li>
                                <li class="space-y-2">
                                    <p><strong>"2. "</strong>"Or type this key into the app (time-based, 6 digits)."</p>
                                    <CopyLink link=setup.key label="Setup key"/>
                                </li>
                                <li class="space-y-2">
                                    <p><strong>"3. "</strong>"Enter the code the app shows."</p>
                                    <ActionForm action=confirm attr:class="space-y-3" attr:aria-label="Confirm two-factor setup">
                                        <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field.is_none()))/>
                                        <Field name="code" label="Code from the app" autocomplete="one-time-code" required=true error/>
                                        <button type="submit" class=BUTTON_CLASS disabled=move || confirm.pending().get()>"Turn on two-factor authentication"</button>
                                    </ActionForm>
                                </li>
                            </ol>
                        }.into_any(),
                        Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// The profile's 2FA section: status, new backup codes, turning it off.
#[component]
pub fn TwoFactorSection(username: String) -> impl IntoView {
    use crate::api::mfa::{MfaBackupCodes, MfaDisable};
    use crate::components::form::{
        DANGER_BUTTON_CLASS, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS,
    };
    use crate::components::widgets::Section;
    let regenerate = ServerAction::<MfaBackupCodes>::new();
    let disable = ServerAction::<MfaDisable>::new();
    let disable_error = action_error(disable);
    let regenerate_error = action_error(regenerate);
    let status = Resource::new(
        move || (regenerate.version().get(), disable.version().get()),
        |_| mfa_status(),
    );
    let fresh = move || regenerate.value().get().and_then(Result::ok);
    view! {
        <Section title="Two-factor authentication">
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || {
                    let username = username.clone();
                    Suspend::new(async move {
                    match status.await {
                        Ok(s) if s.enabled => view! {
                            <p class="text-sm">
                                "On since " {s.enabled_at.clone().unwrap_or_default()} ". "
                                <strong>{format!("{} of 10 backup codes left.", s.backup_codes_left)}</strong>
                            </p>
                            <div class="mt-3 space-y-3">
                                <FormAlert error=regenerate_error/>
                                <ActionForm action=regenerate attr:aria-label="New backup codes">
                                    <button type="submit" class=SECONDARY_BUTTON_CLASS>"Make new backup codes"</button>
                                </ActionForm>
                                {move || fresh().map(|codes| view! { <BackupCodes codes username=username.clone()/> })}
                            </div>
                            {if s.required {
                                view! { <p class="mt-4 text-sm text-slate-600 dark:text-slate-400">"This server requires two-factor authentication, so it cannot be turned off."</p> }.into_any()
                            } else {
                                view! {
                                    <ActionForm action=disable attr:class="mt-4 space-y-3 border-t border-slate-200 pt-4 dark:border-slate-800" attr:aria-label="Turn off two-factor authentication">
                                        <FormAlert error=Signal::derive(move || disable_error.get().filter(|e| e.field.is_none()))/>
                                        <p class="text-sm text-slate-600 dark:text-slate-400">"To turn it off, confirm with your password. Signing in then needs the password alone."</p>
                                        <Field name="password" label="Your password" kind="password" autocomplete="current-password" required=true error=disable_error/>
                                        <button type="submit" class=DANGER_BUTTON_CLASS>"Turn off two-factor authentication"</button>
                                    </ActionForm>
                                }.into_any()
                            }}
                        }.into_any(),
                        Ok(_) => view! {
                            <p class="text-sm text-slate-600 dark:text-slate-400">
                                "Off. With it on, signing in also asks for a code from an app on your phone, so a stolen password alone is not enough."
                            </p>
                            <a href="/two-factor" class=format!("{PRIMARY_BUTTON_CLASS} mt-3")>"Set up two-factor authentication"</a>
                        }.into_any(),
                        Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                    }
                })}}
            </Suspense>
        </Section>
    }
}
