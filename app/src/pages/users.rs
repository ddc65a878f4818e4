//! `/users`: the users list with search and pagination.

use crate::api::{UsersPage, list_users};
use crate::components::form::INPUT_CLASS;
use crate::components::widgets::{Badge, Column, DataTable, EmptyState, PageHeader, Pagination};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const COLUMNS: &[Column] = &[
    ("Name", ""),
    ("Email", "hidden sm:table-cell"),
    ("Role", ""),
    ("Status", ""),
    ("Last sign-in", "hidden lg:table-cell"),
];
#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q")).unwrap_or_default();
    let page = move || {
        query
            .with(|q| q.get("page"))
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let users = Resource::new(
        move || (search(), page()),
        |(search, page)| list_users((!search.is_empty()).then_some(search), Some(page)),
    );
    view! {
        <Title text="Users"/>
        <PageHeader title="Users" description="Everyone who can sign in to this server and its apps."/>
        <form method="get" role="search" class="mb-4 flex max-w-md gap-2">
            <label for="user-search" class="sr-only">"Search users"</label>
            <input id="user-search" name="q" type="search" placeholder="Search by username, name or email"
                class=INPUT_CLASS prop:value=search/>
            <button type="submit" class="rounded-md border border-slate-300 px-3 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800">
                "Search"
            </button>
        </form>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(result) => view! { <UsersTable result search=search()/> }.into_any(),
                    Err(err) => view! { <p role="alert" class="text-sm text-red-700 dark:text-red-400">{err.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UsersTable(result: UsersPage, search: String) -> impl IntoView {
    if result.users.is_empty() {
        let text = if search.is_empty() {
            "Nobody has an account yet. Use `gatehouse user create` to add someone.".to_string()
        } else {
            format!("No username, name or email contains \"{search}\". Try a shorter search.")
        };
        return view! { <EmptyState title="No users found".to_string() text/> }.into_any();
    }
    let href = Callback::new(move |page: u64| {
        if search.is_empty() {
            format!("/users?page={page}")
        } else {
            format!("/users?q={}&page={page}", encode(&search))
        }
    });
    let rows = result.users.into_iter().map(|u| view! {
        <tr class="hover:bg-slate-50 dark:hover:bg-slate-800/50">
            <td class="px-4 py-3">
                <div class="max-w-64 truncate font-medium" title=u.display_name.clone()>{u.display_name.clone()}</div>
                <div class="max-w-64 truncate text-xs text-slate-500 dark:text-slate-400">{u.username.clone()}</div>
            </td>
            <td class="hidden max-w-72 truncate px-4 py-3 text-slate-600 dark:text-slate-300 sm:table-cell">{u.email.clone()}</td>
            <td class="px-4 py-3"><Badge text=u.role.clone()/></td>
            <td class="px-4 py-3"><Badge text=u.status.clone()/></td>
            <td class="hidden whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300 lg:table-cell">
                {u.last_login.clone().unwrap_or_else(|| "Never".to_string())}
            </td>
        </tr>
    }).collect_view();
    view! {
        <DataTable caption="Users" columns=COLUMNS>{rows}</DataTable>
        <Pagination total=result.total page=result.page per_page=result.per_page href/>
    }
    .into_any()
}

/// Percent-encodes a query value (enough for a search box: everything but unreserved).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
