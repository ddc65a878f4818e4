//! The profile's sections for what signs in as the person: their live sessions (end one, or
//! all but this one) and their API keys (make one, shown once; revoke).

use crate::api::access::{
    CreateMyApiKey, EndMyOtherSessions, EndMySession, KeyRow, RevokeMyApiKey, SessionRow,
    my_api_keys, my_sessions,
};
use crate::components::confirm::ConfirmDialog;
use crate::components::copy::CopyLink;
use crate::components::form::{
    Field, FormAlert, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS, action_error,
};
use crate::components::widgets::{Badge, Section};
use leptos::prelude::*;

#[component]
pub fn SessionsSection() -> impl IntoView {
    let end = ServerAction::<EndMySession>::new();
    let end_others = ServerAction::<EndMyOtherSessions>::new();
    let sessions = Resource::new(
        move || (end.version().get(), end_others.version().get()),
        |_| my_sessions(),
    );
    view! {
        <Section title="Sessions">
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">
                "Where you are signed in. Ending a session signs that browser out at its next step."
            </p>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! { <SessionList list end end_others/> }.into_any(),
                        Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                    }
                })}
            </Suspense>
        </Section>
    }
}

#[component]
fn SessionList(
    list: Vec<SessionRow>,
    end: ServerAction<EndMySession>,
    end_others: ServerAction<EndMyOtherSessions>,
) -> impl IntoView {
    let others = list.iter().filter(|s| !s.current).count();
    let rows = list
        .into_iter()
        .map(|s| {
            let what = format!("{} on {}", s.browser, s.os);
            let end_label = format!("End the session of {what} from {}", s.ip);
            let id = s.id.clone();
            let action = if s.current {
                view! { <Badge text="This device".to_string()/> }.into_any()
            } else {
                view! {
                    <ActionForm action=end>
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class=SECONDARY_BUTTON_CLASS aria-label=end_label>"End"</button>
                    </ActionForm>
                }
                .into_any()
            };
            view! {
                <li class="flex items-center justify-between gap-3 py-3">
                    <div class="min-w-0 flex-1">
                        <p class="text-sm font-medium">{what}</p>
                        <p class="text-xs text-slate-600 dark:text-slate-400 [overflow-wrap:anywhere]">
                            {format!("{} · signed in {} · last active {}", s.ip, s.created, s.last_active)}
                        </p>
                    </div>
                    <div class="shrink-0">{action}</div>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Your sessions">{rows}</ul>
        {(others > 0).then(|| view! {
            <div class="mt-3">
                <ConfirmDialog label="End all other sessions" title="End all other sessions?".to_string()
                    text=format!("{others} other browser(s) will be signed out. This one stays signed in.") enabled=true>
                    <ActionForm action=end_others>
                        <button type="submit" class=crate::components::form::DANGER_BUTTON_CLASS>"End them"</button>
                    </ActionForm>
                </ConfirmDialog>
            </div>
        })}
    }
}

#[component]
pub fn ApiKeysSection() -> impl IntoView {
    let create = ServerAction::<CreateMyApiKey>::new();
    let revoke = ServerAction::<RevokeMyApiKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| my_api_keys(),
    );
    let error = action_error(create);
    let made = move || create.value().get().and_then(Result::ok);
    // A made key empties the form (the password above all), so it is not sent twice.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if made().is_some()
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <Section title="API keys">
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">
                "Scripts use a key as " <code class="text-xs">"Authorization: Bearer gate_…"</code>
                " and act with your permissions as they are at each request. The "
                <a href="/settings/api" class="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">"API reference"</a>
                " lists the calls."
            </p>
            {move || made().map(|key| view! {
                <div role="status" class="mb-4 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
                    <p class="mb-2 font-medium">"Your new key. Copy it now: it is not shown again."</p>
                    <CopyLink link=key label="New API key"/>
                </div>
            })}
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(list) => view! { <KeyList list revoke/> }.into_any(),
                        Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=create node_ref=form attr:class="mt-4 space-y-3" attr:aria-label="Make an API key">
                <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field.is_none()))/>
                <div class="grid gap-x-4 sm:grid-cols-2">
                    <Field name="label" label="Label" required=true error/>
                    <Field name="expires_days" label="Expires after (days, empty for never)" kind="number" error/>
                </div>
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" name="read_only" class="h-4 w-4 rounded border-slate-300"/>
                    "Read-only: the key may look but not change anything"
                </label>
                <Field name="password" label="Your password" kind="password" autocomplete="current-password" required=true error/>
                <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=move || create.pending().get()>"Make key"</button>
            </ActionForm>
        </Section>
    }
}

#[component]
fn KeyList(list: Vec<KeyRow>, revoke: ServerAction<RevokeMyApiKey>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="text-sm text-slate-600 dark:text-slate-400">"No keys yet."</p> }
            .into_any();
    }
    let rows = list
        .into_iter()
        .map(|k| {
            let used = match (&k.last_used, &k.last_ip) {
                (Some(at), Some(ip)) => format!("last used {at} from {ip}"),
                (Some(at), None) => format!("last used {at}"),
                _ => "never used".to_string(),
            };
            let expires = k.expires.clone().map_or("never expires".to_string(), |at| format!("expires {at}"));
            let facts = format!("{}… · {} · {} · {} requests in 30 days", k.prefix, expires, used, k.requests_30d);
            let active = k.state == "active";
            let id = StoredValue::new(k.id.clone());
            let title = format!("Revoke {}?", k.label);
            view! {
                <li class="flex items-center justify-between gap-3 py-3">
                    <div class="min-w-0 flex-1">
                        <p class="flex flex-wrap items-center gap-2 text-sm font-medium [overflow-wrap:anywhere]">
                            {k.label.clone()}
                            {k.read_only.then(|| view! { <Badge text="read-only".to_string()/> })}
                            {(!active).then(|| view! { <Badge text=k.state.clone()/> })}
                        </p>
                        <p class="font-mono text-xs text-slate-600 dark:text-slate-400 [overflow-wrap:anywhere]">{facts}</p>
                    </div>
                    <div class="shrink-0">{active.then(move || view! {
                        <ConfirmDialog label="Revoke" title=title
                            text="Requests with this key are refused from now on.".to_string() enabled=true centered=true>
                            <ActionForm action=revoke>
                                <input type="hidden" name="id" value=id.get_value()/>
                                <button type="submit" class=crate::components::form::DANGER_BUTTON_CLASS>"Revoke key"</button>
                            </ActionForm>
                        </ConfirmDialog>
                    })}</div>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Your API keys">{rows}</ul> }.into_any()
}
