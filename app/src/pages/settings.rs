//! `/settings`: instance-wide settings and the state of mail delivery.

use crate::api::settings::{
    MailData, RetryMail, SendTestMail, SettingsData, UpdateSettings, get_settings, mail_overview,
};
use crate::components::copy::CopyLink;
use crate::components::form::{
    Field, FormAlert, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS, action_error,
};
use crate::components::widgets::{Badge, Column, DataTable, PageHeader, Section};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let action = ServerAction::<UpdateSettings>::new();
    let settings = Resource::new(move || action.version().get(), |_| get_settings());
    view! {
        <Title text="Settings"/>
        <PageHeader title="Settings" description="Instance-wide settings for everyone on this server."/>
        <p class="-mt-4 mb-6 text-sm">
            <a href="/settings/api" class="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">"API reference →"</a>
        </p>
        <div class="max-w-3xl space-y-6">
            <MailSection/>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => view! { <SettingsForm s action/> }.into_any(),
                        Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Checkbox(
    name: &'static str,
    label: &'static str,
    help: &'static str,
    checked: bool,
    disabled: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let help_id = format!("{id}-help");
    view! {
        <div class="flex items-start gap-2">
            <input id=id.clone() type="checkbox" name=name checked=checked disabled=disabled
                class="mt-0.5 h-4 w-4 rounded border-slate-300" aria-describedby=help_id.clone()/>
            <div>
                <label for=id class="text-sm font-medium">{label}</label>
                <p id=help_id class="text-xs text-slate-500 dark:text-slate-400">{help}</p>
            </div>
        </div>
    }
}

#[component]
fn SettingsForm(s: SettingsData, action: ServerAction<UpdateSettings>) -> impl IntoView {
    let error = action_error(action);
    let saved = move || action.value().get().is_some_and(|r| r.is_ok());
    let off = !s.writable;
    let modes = [
        ("off", "Off", "Only invited people get accounts."),
        (
            "open",
            "Open",
            "Anyone can create an account once they confirm their email address.",
        ),
        (
            "approval",
            "With approval",
            "New accounts confirm their email address, then wait until an administrator approves them.",
        ),
    ];
    let radios = modes.into_iter().map(|(value, label, help)| {
        let id = format!("registration-{value}");
        let for_id = id.clone();
        view! {
            <label for=for_id class="flex items-start gap-2 text-sm">
                <input id=id type="radio" name="registration" value=value checked=s.registration == value disabled=off class="mt-0.5 h-4 w-4"/>
                <span><span class="font-medium">{label}</span><span class="block text-xs text-slate-500 dark:text-slate-400">{help}</span></span>
            </label>
        }
    }).collect_view();
    view! {
        <ActionForm action=action attr:class="space-y-6" attr:aria-label="Settings">
            <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field.is_none()))/>
            <Section title="Sign-up">
                <fieldset class="space-y-2">
                    <legend class="mb-1 text-sm font-medium">"Self-registration"</legend>
                    {radios}
                </fieldset>
                <div class="mt-4 max-w-xs">
                    <Field name="invite_expiry_hours" label="Invite links expire after (hours)" kind="number"
                        initial=s.invite_expiry_hours.to_string() disabled=off error/>
                </div>
            </Section>
            <Section title="Passwords">
                <div class="grid gap-3 sm:grid-cols-3">
                    <Field name="min_length" label="Minimum length" kind="number" initial=s.min_length.to_string() disabled=off error/>
                    <Field name="history" label="Remembered passwords" kind="number" initial=s.history.to_string() disabled=off error/>
                    <Field name="max_age_days" label="Maximum age (days)" kind="number" initial=s.max_age_days.to_string() disabled=off error/>
                </div>
                <p class="text-xs text-slate-500 dark:text-slate-400">
                    "Passwords must also resist guessing (zxcvbn score 3 of 4). Remembered passwords cannot be used again; 0 turns the check off. A maximum age of 0 means passwords never expire; otherwise people change theirs at their next sign-in after it."
                </p>
            </Section>
            <Section title="Sign-in security">
                <div class="space-y-3">
                    <Checkbox name="mfa_required" label="Require two-factor authentication" checked=s.mfa_required disabled=off
                        help="Everyone must use an authenticator app. Turning this on signs out everyone without it at once; at their next sign-in they set it up before anything else. Set it up for yourself first."/>
                    <div class="grid gap-3 sm:grid-cols-2">
                        <Field name="impersonation_minutes" label="Impersonation passwords last (minutes)" kind="number"
                            initial=s.impersonation_minutes.to_string() disabled=off error/>
                        <Field name="mfa_failures_per_day" label="Wrong two-factor codes allowed a day" kind="number"
                            initial=s.mfa_failures_per_day.to_string() disabled=off error/>
                    </div>
                    <p class="text-xs text-slate-500 dark:text-slate-400">
                        "Ten wrong codes in a row send a person back to their password. Past the daily number, two-factor sign-in to the account locks for an hour, and the person and the administrators are mailed."
                    </p>
                </div>
            </Section>
            <Section title="Audit log and API">
                <div class="grid gap-3 sm:grid-cols-2">
                    <Field name="audit_retention_days" label="Keep audit rows for (days)" kind="number"
                        initial=s.audit_retention_days.to_string() disabled=off error/>
                    <Field name="api_requests_per_minute" label="API requests per key a minute" kind="number"
                        initial=s.api_requests_per_minute.to_string() disabled=off error/>
                </div>
                <p class="text-xs text-slate-500 dark:text-slate-400">
                    "Audit rows past their days are removed every 15 minutes (at least 30 days are kept). The hash chain keeps the hash of the last removed row, so what remains can still be proved untouched. A key past its rate is answered 429 with the seconds to wait; each server process counts on its own."
                </p>
            </Section>
            <Section title="Profiles">
                <div class="space-y-3">
                    <Checkbox name="lock_profiles" label="Lock profiles" checked=s.lock_profiles disabled=off
                        help="People cannot change their own names and email; administrators still can."/>
                    <Checkbox name="verify_email_changes" label="Confirm new email addresses" checked=s.verify_email_changes disabled=off
                        help="A new email or fallback address takes effect once the link mailed to it is opened; the old addresses are told."/>
                </div>
            </Section>
            <div class="flex items-center gap-3">
                <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=off>"Save settings"</button>
                <p role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{move || saved().then_some("Saved.")}</p>
            </div>
        </ActionForm>
    }
}

const MAIL_COLUMNS: &[Column] = &[
    ("Mail", ""),
    ("To", "hidden sm:table-cell"),
    ("Status", ""),
    ("Queued", "hidden md:table-cell"),
];

#[component]
fn MailSection() -> impl IntoView {
    let test = ServerAction::<SendTestMail>::new();
    let retry = ServerAction::<RetryMail>::new();
    let overview = Resource::new(
        move || (test.version().get(), retry.version().get()),
        |_| mail_overview(),
    );
    view! {
        <Section title="Email delivery">
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(data) => view! { <MailStatus data test retry/> }.into_any(),
                        Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                    }
                })}
            </Suspense>
        </Section>
    }
}

#[component]
fn MailStatus(
    data: MailData,
    test: ServerAction<SendTestMail>,
    retry: ServerAction<RetryMail>,
) -> impl IntoView {
    let server = match &data.server {
        Some(server) => format!("Mail goes out through {server}, from {}.", data.from),
        None => "No SMTP server is configured (GATEHOUSE_SMTP_URL), so mail waits here. Pass on the links below yourself.".to_string(),
    };
    let test_error = action_error(test);
    let test_result = move || {
        test.value()
            .get()
            .and_then(Result::ok)
            .map(|o| match (o.status.as_str(), o.error) {
                ("sent", _) => format!("Test mail sent to {}.", o.to),
                (_, Some(err)) => format!("The test mail to {} failed: {err}", o.to),
                _ => format!("Test mail to {} is queued.", o.to),
            })
    };
    let waiting = data.pending + data.failed;
    let configured = data.server.is_some();
    let empty = data.recent.is_empty();
    let rows = data.recent.into_iter().map(|m| view! {
        <tr class="align-top">
            <td class="px-4 py-3">
                <span class="font-medium">{m.kind.clone()}</span>
                <span class="block text-xs text-slate-500 dark:text-slate-400 sm:hidden">{m.to.clone()}</span>
                {m.link.clone().map(|link| view! { <div class="mt-2 max-w-md"><CopyLink link label="Link in this mail"/></div> })}
            </td>
            <td class="hidden max-w-[14rem] break-all px-4 py-3 sm:table-cell">{m.to.clone()}</td>
            <td class="px-4 py-3">
                <Badge text=m.status.clone()/>
                {m.last_error.clone().map(|e| view! { <p class="mt-1 max-w-xs break-words text-xs text-red-700 dark:text-red-400">{format!("Attempt {}: {e}", m.attempts)}</p> })}
            </td>
            <td class="hidden whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-400 md:table-cell">{m.created.clone()}</td>
        </tr>
    }).collect_view();
    view! {
        <div class="space-y-4">
            <p class="text-sm">{server}</p>
            <p class="text-sm text-slate-600 dark:text-slate-400">
                {format!("{} waiting · {} failed · {} sent", data.pending, data.failed, data.sent)}
            </p>
            <div class="flex flex-wrap items-center gap-2">
                <ActionForm action=test>
                    <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || !data.writable || test.pending().get()>
                        {move || if test.pending().get() { "Sending…" } else { "Send test email" }}
                    </button>
                </ActionForm>
                <ActionForm action=retry>
                    <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=!data.writable || waiting == 0 || !configured>"Retry now"</button>
                </ActionForm>
                <p role="status" class="text-sm">{test_result}</p>
            </div>
            <FormAlert error=test_error/>
            {if empty {
                view! { <p class="text-sm text-slate-500 dark:text-slate-400">"No mail has been sent yet. Invites, resets and approvals will show here."</p> }.into_any()
            } else {
                view! { <DataTable caption="Recent mail" columns=MAIL_COLUMNS>{rows}</DataTable> }.into_any()
            }}
        </div>
    }
}
