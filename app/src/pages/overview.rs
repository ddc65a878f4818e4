//! `/`: the dashboard's front page: who you are and what changed lately.

use crate::api::list_activity;
use crate::api::settings::{MailData, mail_overview};
use crate::api::users::{UserFilter, list_users};
use crate::components::layout::MeResource;
use crate::components::widgets::PageHeader;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let users = Resource::new(|| (), |_| list_users(UserFilter::default()));
    let pending = Resource::new(
        || (),
        |_| {
            list_users(UserFilter {
                status: "pending".into(),
                ..Default::default()
            })
        },
    );
    let activity = Resource::new(|| (), |_| list_activity(None, Default::default()));
    let mail = Resource::new(|| (), |_| mail_overview());
    view! {
        <Title text="Overview"/>
        <PageHeader title="Overview"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let name = me.await.ok().flatten().map(|m| m.display_name).unwrap_or_default();
                view! { <p class="-mt-4 mb-6 text-sm text-slate-600 dark:text-slate-400">{format!("Signed in as {name}")}</p> }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { mail.await.ok().and_then(mail_warning) })}
        </Suspense>
        <div class="grid gap-4 sm:grid-cols-2">
            <Card title="Users" href="/users">
                <Suspense fallback=|| view! { <p class="text-3xl font-semibold">"…"</p> }>
                    {move || Suspend::new(async move {
                        match users.await {
                            Ok(page) => view! {
                                <p class="text-3xl font-semibold">{page.total}</p>
                                <p class="text-sm text-slate-600 dark:text-slate-400">{if page.total == 1 { "account" } else { "accounts" }}</p>
                                {move || Suspend::new(async move {
                                    pending.await.ok().filter(|p| p.total > 0).map(|p| view! {
                                        <a href="/users?status=pending" class="mt-2 inline-block rounded text-sm font-medium text-amber-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-amber-300">
                                            {format!("{} waiting for approval", p.total)}
                                        </a>
                                    })
                                })}
                            }.into_any(),
                            Err(_) => view! { <p class="text-sm text-slate-600 dark:text-slate-400">"Your role cannot list users."</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </Card>
            <Card title="Recent activity" href="/activity">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match activity.await {
                            Ok(page) => view! {
                                <ul class="space-y-1 text-sm">
                                    {page.events.into_iter().take(5).map(|e| view! {
                                        <li class="flex justify-between gap-4">
                                            <span class="truncate font-mono text-xs">{e.action}</span>
                                            <span class="shrink-0 text-xs text-slate-500">{e.at}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(_) => view! { <p class="text-sm text-slate-600 dark:text-slate-400">"Your role cannot read the activity log."</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </Card>
        </div>
    }
}

/// Mail that cannot go out is worth a banner: invites and resets depend on it.
fn mail_warning(mail: MailData) -> Option<impl IntoView> {
    let text = if mail.failed > 0 {
        format!(
            "{} mails could not be sent after repeated attempts.",
            mail.failed
        )
    } else if mail.server.is_none() && mail.pending > 0 {
        format!(
            "{} mails wait in the outbox: no SMTP server is configured.",
            mail.pending
        )
    } else {
        return None;
    };
    Some(view! {
        <p role="status" class="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
            {text} " " <a href="/settings" class="font-medium underline">"See Email delivery in Settings"</a>
        </p>
    })
}

#[component]
fn Card(title: &'static str, href: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
            <div class="mb-3 flex items-center justify-between">
                <h2 class="text-sm font-semibold">{title}</h2>
                <a href=href class="rounded text-sm text-indigo-600 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-400">
                    "View all"<span class="sr-only">{format!(" {title}")}</span>
                </a>
            </div>
            {children()}
        </section>
    }
}
