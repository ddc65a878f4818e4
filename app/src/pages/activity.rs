//! `/activity`: the audit trail, newest first, filtered by user, action family, result and
//! dates, with the filtered view downloadable as CSV or JSON and the hash chain's last check.

use crate::api::{ActivityFilter, ActivityPage, list_activity};
use crate::components::form::{FilterSelect, INPUT_CLASS, SECONDARY_BUTTON_CLASS};
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
const FAMILIES: &[(&str, &str)] = &[
    ("auth", "Sign-in and security"),
    ("user", "Users"),
    ("group", "Groups"),
    ("invite", "Invites"),
    ("app", "Apps"),
    ("settings", "Settings"),
    ("key", "API keys"),
];

#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let state = Memo::new(move |_| {
        query.with(|q| {
            let filter = ActivityFilter {
                user: q.get("user").unwrap_or_default(),
                action: q.get("action").unwrap_or_default(),
                result: q.get("result").unwrap_or_default(),
                from: q.get("from").unwrap_or_default(),
                to: q.get("to").unwrap_or_default(),
            };
            let page = q
                .get("page")
                .and_then(|p| p.parse::<u64>().ok())
                .unwrap_or(0);
            (page, filter)
        })
    });
    let events = Resource::new(
        move || state.get(),
        |(page, filter)| list_activity(Some(page), filter),
    );
    let filter = Signal::derive(move || state.get().1);
    view! {
        <Title text="Activity"/>
        <PageHeader title="Activity" description="Every change and every sign-in attempt, newest first."/>
        <Filters filter/>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading activity…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(result) => view! { <ActivityTable result filter=filter.get_untracked()/> }.into_any(),
                    Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Filters(filter: Signal<ActivityFilter>) -> impl IntoView {
    let date = move |name: &'static str, label: &'static str, value: Signal<String>| {
        let id = format!("activity-{name}");
        view! {
            <div>
                <label for=id.clone() class="block text-xs font-medium text-slate-600 dark:text-slate-400">{label}</label>
                <input id=id name=name type="date" class=INPUT_CLASS prop:value=move || value.get()/>
            </div>
        }
    };
    let export = move |format: &'static str| {
        let query = filter.get().query();
        let sep = if query.is_empty() { "" } else { "&" };
        format!("/api/v1/audit/export?format={format}{sep}{query}")
    };
    view! {
        <form method="get" role="search" aria-label="Filter activity" class="mb-4 flex flex-wrap items-end gap-2">
            <div class="min-w-48 flex-1">
                <label for="activity-user" class="block text-xs font-medium text-slate-600 dark:text-slate-400">"User (actor or target)"</label>
                <input id="activity-user" name="user" type="search" placeholder="username" class=INPUT_CLASS
                    prop:value=move || filter.get().user/>
            </div>
            <FilterSelect name="action" label="Action" options=FAMILIES.iter().map(|(v, t)| (v.to_string(), t.to_string())).collect()
                selected=Signal::derive(move || filter.get().action)/>
            <FilterSelect name="result" label="Result"
                options=vec![("success".to_string(), "Succeeded".to_string()), ("failure".to_string(), "Failed or refused".to_string())]
                selected=Signal::derive(move || filter.get().result)/>
            {date("from", "From", Signal::derive(move || filter.get().from))}
            {date("to", "To", Signal::derive(move || filter.get().to))}
            <button type="submit" class=SECONDARY_BUTTON_CLASS>"Apply"</button>
            <a class=SECONDARY_BUTTON_CLASS href=move || export("csv") download="audit.csv" rel="external">"Download CSV"</a>
            <a class=SECONDARY_BUTTON_CLASS href=move || export("json") download="audit.json" rel="external">"JSON"</a>
        </form>
    }
}

#[component]
fn ActivityTable(result: ActivityPage, filter: ActivityFilter) -> impl IntoView {
    let chain_class = if result.chain.state == "broken" {
        "mb-3 text-sm font-medium text-red-700 dark:text-red-400"
    } else {
        "mb-3 text-sm text-slate-600 dark:text-slate-300"
    };
    let chain = view! { <p class=chain_class data-chain=result.chain.state.clone()>{result.chain.text.clone()}</p> };
    if result.events.is_empty() {
        let filtered = filter != ActivityFilter::default();
        let (title, text) = if filtered {
            (
                "Nothing matches",
                "No activity matches these filters. Widen the dates or clear a filter.",
            )
        } else {
            (
                "No activity yet",
                "Sign-ins and changes to the directory will be listed here as they happen.",
            )
        };
        return view! { {chain} <EmptyState title=title.to_string() text=text.to_string()/> }
            .into_any();
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
    let query = filter.query();
    let href = Callback::new(move |page: u64| {
        let sep = if query.is_empty() { "" } else { "&" };
        format!("/activity?page={page}{sep}{query}")
    });
    view! {
        {chain}
        <DataTable caption="Activity" columns=COLUMNS>{rows}</DataTable>
        <Pagination total=result.total page=result.page per_page=result.per_page href/>
    }
    .into_any()
}
