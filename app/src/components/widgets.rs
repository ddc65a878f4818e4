//! Small presentational pieces: page headers, empty states, badges, pagination.

use leptos::prelude::*;

/// The heading block at the top of every dashboard page.
#[component]
pub fn PageHeader(
    title: &'static str,
    #[prop(optional)] description: &'static str,
) -> impl IntoView {
    view! {
        <div class="mb-6">
            <h1 class="text-2xl font-semibold tracking-tight">{title}</h1>
            {(!description.is_empty())
                .then(|| view! { <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{description}</p> })}
        </div>
    }
}

/// What a page shows when it has nothing to list: what this is, and what to do next.
#[component]
pub fn EmptyState(
    title: String,
    text: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center dark:border-slate-700 dark:bg-slate-900">
            <svg aria-hidden="true" class="mx-auto h-10 w-10 text-slate-400" fill="none" viewBox="0 0 24 24" stroke="currentColor" stroke-width="1.5">
                <path stroke-linecap="round" stroke-linejoin="round" d="M20.25 7.5l-.625 10.632a2.25 2.25 0 01-2.247 2.118H6.622a2.25 2.25 0 01-2.247-2.118L3.75 7.5m8.25 3v6.75m0 0l-3-3m3 3l3-3M3.375 7.5h17.25c.621 0 1.125-.504 1.125-1.125v-1.5c0-.621-.504-1.125-1.125-1.125H3.375c-.621 0-1.125.504-1.125 1.125v1.5c0 .621.504 1.125 1.125 1.125z"/>
            </svg>
            <h2 class="mt-3 text-base font-semibold">{title}</h2>
            <p class="mx-auto mt-1 max-w-md text-sm text-slate-600 dark:text-slate-400">{text}</p>
            {children.map(|c| view! { <div class="mt-4">{c()}</div> })}
        </div>
    }
}

/// A coloured label for a status or role.
#[component]
pub fn Badge(text: String) -> impl IntoView {
    let tone = match text.as_str() {
        "active" => {
            "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300"
        }
        "pending" => {
            "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950 dark:text-amber-300"
        }
        "suspended" => "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-950 dark:text-red-300",
        "owner" | "admin" => {
            "bg-indigo-50 text-indigo-700 ring-indigo-600/20 dark:bg-indigo-950 dark:text-indigo-300"
        }
        _ => "bg-slate-50 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300",
    };
    view! {
        <span class=format!("inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset {tone}")>
            {text}
        </span>
    }
}

/// "Showing 1–50 of 120" with previous/next links that keep the other query parameters.
#[component]
pub fn Pagination(
    total: u64,
    page: u64,
    per_page: u64,
    /// Builds the link for a page number.
    href: Callback<u64, String>,
) -> impl IntoView {
    let first = if total == 0 { 0 } else { page * per_page + 1 };
    let last = ((page + 1) * per_page).min(total);
    let has_prev = page > 0;
    let has_next = last < total;
    let link = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 \
        focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800";
    view! {
        <nav aria-label="Pagination" class="mt-4 flex items-center justify-between text-sm">
            <p class="text-slate-600 dark:text-slate-400">
                {format!("Showing {first}–{last} of {total}")}
            </p>
            <div class="flex gap-2">
                {has_prev.then(|| view! { <a class=link href=href.run(page - 1) rel="prev">"Previous"</a> })}
                {has_next.then(|| view! { <a class=link href=href.run(page + 1) rel="next">"Next"</a> })}
            </div>
        </nav>
    }
}

/// A column header: its label and the classes that hide it on narrow screens ("" for none).
pub type Column = (&'static str, &'static str);

/// The framed table every list uses: a caption for screen readers, a header row, the rows.
#[component]
pub fn DataTable(
    caption: &'static str,
    /// Plain column headers; or pass ready-made `<th>` cells as `headers`.
    #[prop(optional)]
    columns: &'static [Column],
    #[prop(optional)] headers: Option<AnyView>,
    children: Children,
) -> impl IntoView {
    let headers = headers.unwrap_or_else(|| {
        columns
            .iter()
            .map(|(label, extra)| view! { <th scope="col" class=format!("px-4 py-3 font-medium {extra}")>{*label}</th> })
            .collect_view()
            .into_any()
    });
    view! {
        <div class="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <table class="min-w-full divide-y divide-slate-200 text-left text-sm dark:divide-slate-800">
                <caption class="sr-only">{caption}</caption>
                <thead class="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-800/50 dark:text-slate-400">
                    <tr>{headers}</tr>
                </thead>
                <tbody class="divide-y divide-slate-200 dark:divide-slate-800">{children()}</tbody>
            </table>
        </div>
    }
}

/// Percent-encodes a query value (everything but the unreserved characters).
pub fn encode(value: &str) -> String {
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

/// A titled card that holds one part of a detail page.
#[component]
pub fn Section(title: &'static str, children: Children) -> impl IntoView {
    let id = format!("section-{}", title.to_lowercase().replace(' ', "-"));
    let labelled_by = id.clone();
    view! {
        <section aria-labelledby=labelled_by class="rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
            <h2 id=id class="mb-3 text-base font-semibold">{title}</h2>
            {children()}
        </section>
    }
}

/// What a page shows when its data could not be loaded (or may not be seen).
#[component]
pub fn LoadError(message: String) -> impl IntoView {
    view! { <p role="alert" class="text-sm text-red-700 dark:text-red-400">{message}</p> }
}
