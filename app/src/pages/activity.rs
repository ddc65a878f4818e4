//! `/activity`: the audit trail, newest first.

use crate::api::{ActivityPage, list_activity};
use crate::components::widgets::{Column, DataTable, EmptyState, PageHeader, Pagination};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const COLUMNS: &[Column] = &[
    ("Time", ""),
    ("Action", ""),
    ("Actor", ""),
    ("Target", "hidden sm:table-cell"),
    ("Details", "hidden lg:table-cell"),
    ("IP address", "hidden md:table-cell"),
];
#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query
            .with(|q| q.get("page"))
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let events = Resource::new(page, |page| list_activity(Some(page)));
    view! {
        <Title text="Activity"/>
        <PageHeader title="Activity" description="Every change and every sign-in attempt, newest first."/>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading activity…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(result) => view! { <ActivityTable result/> }.into_any(),
                    Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ActivityTable(result: ActivityPage) -> impl IntoView {
    if result.events.is_empty() {
        return view! {
            <EmptyState title="No activity yet".to_string()
                text="Sign-ins and changes to the directory will be listed here as they happen.".to_string()/>
        }.into_any();
    }
    let rows = result.events.into_iter().map(|e| view! {
        <tr>
            <td class="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300">{e.at}</td>
            <td class="px-4 py-3 font-mono text-xs">{e.action}</td>
            <td class="max-w-48 truncate px-4 py-3">{e.actor.unwrap_or_else(|| "—".to_string())}</td>
            <td class="hidden max-w-48 truncate px-4 py-3 sm:table-cell">{e.target.unwrap_or_else(|| "—".to_string())}</td>
            <td class="hidden max-w-72 truncate px-4 py-3 text-xs text-slate-600 dark:text-slate-300 lg:table-cell" title=e.details.clone()>{e.details.clone()}</td>
            <td class="hidden px-4 py-3 text-slate-600 dark:text-slate-300 md:table-cell">{e.ip.unwrap_or_else(|| "—".to_string())}</td>
        </tr>
    }).collect_view();
    let href = Callback::new(|page: u64| format!("/activity?page={page}"));
    let chain_class = if result.chain.state == "broken" {
        "mb-3 text-sm font-medium text-red-700 dark:text-red-400"
    } else {
        "mb-3 text-sm text-slate-600 dark:text-slate-300"
    };
    view! {
        <p class=chain_class data-chain=result.chain.state>{result.chain.text}</p>
        <DataTable caption="Activity" columns=COLUMNS>{rows}</DataTable>
        <Pagination total=result.total page=result.page per_page=result.per_page href/>
    }
    .into_any()
}
