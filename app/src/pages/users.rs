//! `/users`: the users list with search, filters, sorting and pagination.

use crate::api::groups::list_groups;
use crate::api::users::{UserFilter, UsersPage, list_users};
use crate::components::form::{FilterSelect, INPUT_CLASS, SECONDARY_BUTTON_CLASS};
use crate::components::layout::MeResource;
use crate::components::widgets::{Badge, DataTable, EmptyState, PageHeader, Pagination, encode};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const STATUSES: &[&str] = &["pending", "active", "suspended"];
const ROLES: &[&str] = &[
    "owner",
    "admin",
    "user_manager",
    "operator",
    "viewer",
    "user",
];
/// Sortable columns: (label, sort key, classes hiding it on narrow screens).
const SORTABLE: &[(&str, &str, &str)] = &[
    ("Name", "name", ""),
    ("Email", "email", "hidden sm:table-cell"),
    ("Role", "", ""),
    ("Status", "", ""),
    ("Created", "created", "hidden 2xl:table-cell"),
    ("Last sign-in", "last_login", "hidden lg:table-cell"),
];

/// Reads the filters from the page's query string.
fn current_filter() -> Memo<UserFilter> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| UserFilter {
            q: q.get("q").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
            role: q.get("role").unwrap_or_default(),
            group: q.get("group").unwrap_or_default(),
            sort: q.get("sort").unwrap_or_default(),
            desc: q.get("desc").as_deref() == Some("1"),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0),
        })
    })
}

/// The query string for a filter (page and order included), for links.
fn href(filter: &UserFilter) -> String {
    let mut parts = Vec::new();
    for (key, value) in [
        ("q", &filter.q),
        ("status", &filter.status),
        ("role", &filter.role),
        ("group", &filter.group),
        ("sort", &filter.sort),
    ] {
        if !value.is_empty() {
            parts.push(format!("{key}={}", encode(value)));
        }
    }
    if filter.desc {
        parts.push("desc=1".into());
    }
    if filter.page > 0 {
        parts.push(format!("page={}", filter.page));
    }
    if parts.is_empty() {
        "/users".into()
    } else {
        format!("/users?{}", parts.join("&"))
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let filter = current_filter();
    let users = Resource::new(move || filter.get(), list_users);
    let groups = Resource::new(|| (), |_| list_groups());
    view! {
        <Title text="Users"/>
        <div class="flex flex-wrap items-start justify-between gap-4">
            <PageHeader title="Users" description="Everyone who can sign in to this server and its apps."/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let can = me.await.ok().flatten().is_some_and(|m| m.can(vocab::Permission::UsersCreate));
                    can.then(|| view! {
                        <a href="/users/new" class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500">
                            "New user"
                        </a>
                    })
                })}
            </Suspense>
        </div>
        <form method="get" role="search" aria-label="Filter users" class="mb-4 flex flex-wrap items-end gap-2">
            <div class="min-w-56 flex-1">
                <label for="user-search" class="sr-only">"Search users"</label>
                <input id="user-search" name="q" type="search" placeholder="Search by username, name or email"
                    class=INPUT_CLASS prop:value=move || filter.get().q/>
            </div>
            <FilterSelect name="status" label="Status" options=STATUSES.iter().map(|s| (s.to_string(), s.to_string())).collect()
                selected=Signal::derive(move || filter.get().status)/>
            <FilterSelect name="role" label="Role" options=ROLES.iter().map(|s| (s.to_string(), s.to_string())).collect()
                selected=Signal::derive(move || filter.get().role)/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let options = groups.await.unwrap_or_default().into_iter().map(|g| (g.id, g.name)).collect();
                    view! { <FilterSelect name="group" label="Group" options selected=Signal::derive(move || filter.get().group)/> }
                })}
            </Suspense>
            <input type="hidden" name="sort" prop:value=move || filter.get().sort/>
            {move || filter.get().desc.then(|| view! { <input type="hidden" name="desc" value="1"/> })}
            <button type="submit" class=SECONDARY_BUTTON_CLASS>"Apply"</button>
        </form>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(result) => view! { <UsersTable result filter=filter.get_untracked()/> }.into_any(),
                    Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A column header; sortable ones link to the list sorted by them (again: reversed).
fn header(label: &'static str, key: &'static str, filter: &UserFilter) -> impl IntoView + use<> {
    if key.is_empty() {
        return view! { <span>{label}</span> }.into_any();
    }
    let active = filter.sort == key;
    let next = UserFilter {
        sort: key.to_string(),
        desc: active && !filter.desc,
        page: 0,
        ..filter.clone()
    };
    let arrow = match (active, filter.desc) {
        (true, false) => " ↑",
        (true, true) => " ↓",
        _ => "",
    };
    let sort = match (active, filter.desc) {
        (true, false) => "ascending",
        (true, true) => "descending",
        _ => "none",
    };
    view! {
        <a href=href(&next) aria-sort=sort class="rounded hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:text-slate-100">
            {label}{arrow}
        </a>
    }
    .into_any()
}

#[component]
fn UsersTable(result: UsersPage, filter: UserFilter) -> impl IntoView {
    if result.users.is_empty() {
        let filtered = filter != UserFilter::default();
        let text = if filtered {
            "Nobody matches these filters. Clear the search or pick “Any” to see more.".to_string()
        } else {
            "Nobody has an account yet. Use “New user” to add someone.".to_string()
        };
        return view! { <EmptyState title="No users found".to_string() text/> }.into_any();
    }
    let headers = SORTABLE
        .iter()
        .map(|(label, key, extra)| {
            view! { <th scope="col" class=format!("px-4 py-3 font-medium {extra}")>{header(label, key, &filter)}</th> }
        })
        .collect_view();
    let link = Callback::new(move |page: u64| {
        href(&UserFilter {
            page,
            ..filter.clone()
        })
    });
    let rows = result.users.into_iter().map(|u| view! {
        <tr class="hover:bg-slate-50 dark:hover:bg-slate-800/50">
            <td class="px-4 py-3">
                <a href=format!("/users/{}", u.id) class="block max-w-40 truncate rounded font-medium sm:max-w-64 text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300" title=u.display_name.clone()>
                    {u.display_name.clone()}
                </a>
                <div class="max-w-40 truncate text-xs text-slate-500 dark:text-slate-400 sm:max-w-64">{u.username.clone()}</div>
            </td>
            <td class="hidden max-w-72 truncate px-4 py-3 text-slate-600 dark:text-slate-300 sm:table-cell">{u.email.clone()}</td>
            <td class="px-4 py-3"><Badge text=u.role.name().to_string()/></td>
            <td class="px-4 py-3"><Badge text=u.status.name().to_string()/></td>
            <td class="hidden whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300 2xl:table-cell">{u.created.clone()}</td>
            <td class="hidden whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300 lg:table-cell">
                {u.last_login.clone().unwrap_or_else(|| "Never".to_string())}
            </td>
        </tr>
    }).collect_view();
    view! {
        <DataTable caption="Users" headers=headers.into_any()>{rows}</DataTable>
        <Pagination total=result.total page=result.page per_page=result.per_page href=link/>
    }
    .into_any()
}
