//! The sections for what signs in as a person: their live sessions (end one, or all but this
//! one) and their API keys (make one, shown once; revoke). The profile shows one's own; a
//! user's page shows theirs to those who may change their account.

use crate::api::access::{
    CreateMyApiKey, EndOtherSessions, EndSession, KeyRow, RevokeApiKey, SessionRow, api_keys,
    sessions,
};
use crate::components::confirm::ConfirmDialog;
use crate::components::copy::CopyLink;
use crate::components::form::{
    Field, FormAlert, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS, action_error,
};
use crate::components::widgets::{Badge, Section};
use leptos::prelude::*;

/// Whose sessions and keys a section shows: one's own (`id` empty), or a user's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Whose {
    /// The user's id; `None` for the signed-in person.
    pub id: Option<String>,
    pub username: String,
}

impl Whose {
    fn own(&self) -> bool {
        self.id.is_none()
    }

    /// "Your sessions", "ada's sessions".
    fn possessive(&self, what: &str) -> String {
        if self.own() {
            format!("Your {what}")
        } else {
            format!("{}'s {what}", self.username)
        }
    }
}

/// The hidden field that names whose sessions or key a form is about (none for one's own).
fn whose_field(whose: &Whose) -> impl IntoView + use<> {
    whose
        .id
        .clone()
        .map(|id| view! { <input type="hidden" name="user" value=id/> })
}

#[component]
pub fn SessionsSection(#[prop(optional)] whose: Whose) -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let end_error = action_error(end);
    let others_error = action_error(end_others);
    let user = whose.id.clone();
    let list = Resource::new(
        move || {
            (
                user.clone(),
                end.version().get(),
                end_others.version().get(),
            )
        },
        |(user, _, _)| sessions(user),
    );
    let intro = if whose.own() {
        "Where you are signed in. Ending a session signs that browser out at its next step."
            .to_string()
    } else {
        format!(
            "Where {} is signed in. Ending a session signs that browser out at its next step.",
            whose.username
        )
    };
    let whose = StoredValue::new(whose);
    view! {
        <Section title="Sessions">
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">{intro}</p>
            <FormAlert error=end_error/>
            <FormAlert error=others_error/>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => view! { <SessionList list end end_others whose=whose.get_value()/> }.into_any(),
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
    end: ServerAction<EndSession>,
    end_others: ServerAction<EndOtherSessions>,
    whose: Whose,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="text-sm text-slate-600 dark:text-slate-400">"Not signed in anywhere."</p> }
            .into_any();
    }
    let others = list.iter().filter(|s| !s.current).count();
    let (label, title, text) = if others == 0 {
        ("", String::new(), String::new())
    } else if whose.own() {
        (
            "End all other sessions",
            "End all other sessions?".to_string(),
            format!("{others} other browser(s) will be signed out. This one stays signed in."),
        )
    } else {
        (
            "End all sessions",
            format!("End all of {}'s sessions?", whose.username),
            format!(
                "{} will be signed out of {others} browser(s) at their next step.",
                whose.username
            ),
        )
    };
    let aria = whose.possessive("sessions");
    let whose = StoredValue::new(whose);
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
                        {whose.with_value(whose_field)}
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
        <ul class="divide-y divide-slate-200 dark:divide-slate-800" aria-label=aria>{rows}</ul>
        {(others > 0).then(|| view! {
            <div class="mt-3">
                <ConfirmDialog label title text enabled=true>
                    <ActionForm action=end_others>
                        {whose.with_value(whose_field)}
                        <button type="submit" class=crate::components::form::DANGER_BUTTON_CLASS>"End them"</button>
                    </ActionForm>
                </ConfirmDialog>
            </div>
        })}
    }
    .into_any()
}

#[component]
pub fn ApiKeysSection(#[prop(optional)] whose: Whose) -> impl IntoView {
    let create = ServerAction::<CreateMyApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let revoke_error = action_error(revoke);
    let user = whose.id.clone();
    let keys = Resource::new(
        move || (user.clone(), create.version().get(), revoke.version().get()),
        |(user, _, _)| api_keys(user),
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
    let own = whose.own();
    let intro = if own {
        view! {
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">
                "Scripts use a key as " <code class="text-xs">"Authorization: Bearer gate_…"</code>
                " and act with your permissions as they are at each request. The "
                <a href="/settings/api" class="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">"API reference"</a>
                " lists the calls."
            </p>
        }
        .into_any()
    } else {
        let name = &whose.username;
        view! {
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">
                {format!("Keys {name} made for scripts act with {name}'s permissions. Revoking one refuses its requests from now on.")}
            </p>
        }
        .into_any()
    };
    let whose = StoredValue::new(whose);
    view! {
        <Section title="API keys">
            {intro}
            {move || made().map(|key| view! {
                <div role="status" class="mb-4 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
                    <p class="mb-2 font-medium">"Your new key. Copy it now: it is not shown again."</p>
                    <CopyLink link=key label="New API key"/>
                </div>
            })}
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(list) => view! { <KeyList list revoke whose=whose.get_value()/> }.into_any(),
                        Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                    }
                })}
            </Suspense>
            <FormAlert error=revoke_error/>
            {own.then(|| view! { <NewKeyForm create form error/> })}
        </Section>
    }
}

#[component]
fn NewKeyForm(
    create: ServerAction<CreateMyApiKey>,
    form: NodeRef<leptos::html::Form>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    view! {
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
    }
}

#[component]
fn KeyList(list: Vec<KeyRow>, revoke: ServerAction<RevokeApiKey>, whose: Whose) -> impl IntoView {
    let aria = whose.possessive("API keys");
    let whose = StoredValue::new(whose);
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
                                {whose.with_value(whose_field)}
                                <input type="hidden" name="id" value=id.get_value()/>
                                <button type="submit" class=crate::components::form::DANGER_BUTTON_CLASS>"Revoke key"</button>
                            </ActionForm>
                        </ConfirmDialog>
                    })}</div>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="divide-y divide-slate-200 dark:divide-slate-800" aria-label=aria>{rows}</ul> }.into_any()
}
