//! `/settings/api`: the REST API's reference, rendered from the OpenAPI document the server
//! generates from its handlers (so it lists exactly what the router serves), with no CDN.

use crate::api::reference::{ApiReference, Operation, Param, load_api_reference};
use crate::components::widgets::{Badge, PageHeader};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiReferencePage() -> impl IntoView {
    let reference = Resource::new(|| (), |_| load_api_reference());
    view! {
        <Title text="API reference"/>
        <PageHeader title="API reference" description="Every call of the REST API under /api/v1, from its OpenAPI 3.1 document."/>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match reference.await {
                    Ok(r) => view! { <Reference r/> }.into_any(),
                    Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Reference(r: ApiReference) -> impl IntoView {
    let mut tags: Vec<String> = r.operations.iter().map(|o| o.tag.clone()).collect();
    tags.dedup();
    let index = tags
        .iter()
        .map(|tag| view! { <li><a class="text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300" href=format!("#tag-{tag}")>{tag.clone()}</a></li> })
        .collect_view();
    let sections = tags
        .into_iter()
        .map(|tag| {
            let ops = r
                .operations
                .iter()
                .filter(|o| o.tag == tag)
                .cloned()
                .map(|op| view! { <OperationCard op/> })
                .collect_view();
            view! {
                <section aria-labelledby=format!("tag-{tag}") class="space-y-3">
                    <h2 id=format!("tag-{tag}") class="text-lg font-semibold">{tag.clone()}</h2>
                    {ops}
                </section>
            }
        })
        .collect_view();
    view! {
        <div class="max-w-4xl space-y-6">
            <div class="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
                <p class="text-slate-700 dark:text-slate-300">{prose(&r.description)}</p>
                <p class="mt-2 text-slate-700 dark:text-slate-300">
                    "Authenticate with " <code class="text-xs">"Authorization: Bearer gate_…"</code>
                    " (make a key on your profile). The machine-readable document is at "
                    <a class="text-indigo-700 underline dark:text-indigo-300" href="/api/v1/openapi.json" rel="external">"/api/v1/openapi.json"</a> "."
                </p>
                <nav aria-label="API sections" class="mt-3"><ul class="flex flex-wrap gap-x-4 gap-y-1">{index}</ul></nav>
            </div>
            {sections}
        </div>
    }
}

#[component]
fn OperationCard(op: Operation) -> impl IntoView {
    let tone = match op.method.as_str() {
        "GET" => "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200",
        "POST" => "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
        "DELETE" => "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
        _ => "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
    };
    let responses = op
        .responses
        .iter()
        .map(|(status, text)| view! { <li><span class="font-mono">{status.clone()}</span> " " {text.clone()}</li> })
        .collect_view();
    view! {
        <details class="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <summary class="flex cursor-pointer flex-wrap items-center gap-3 p-3 focus-visible:outline-2 focus-visible:outline-indigo-500">
                <span class=format!("w-16 rounded px-2 py-0.5 text-center font-mono text-xs font-semibold {tone}")>{op.method.clone()}</span>
                <code class="font-mono text-sm [overflow-wrap:anywhere]">{op.path.clone()}</code>
                <span class="text-sm text-slate-600 dark:text-slate-400">{prose(&op.summary)}</span>
                {(!op.key_allowed).then(|| view! { <Badge text="browser session only".to_string()/> })}
            </summary>
            <div class="space-y-3 border-t border-slate-200 p-3 text-sm dark:border-slate-800">
                {(!op.description.is_empty()).then(|| view! { <p class="text-slate-700 dark:text-slate-300">{prose(&op.description)}</p> })}
                <Fields title="Parameters" list=op.params.clone()/>
                <Fields title="JSON body" list=op.body.clone()/>
                <div>
                    <h3 class="font-medium">"Responses"</h3>
                    <ul class="mt-1 space-y-0.5 text-slate-700 dark:text-slate-300">{responses}</ul>
                </div>
            </div>
        </details>
    }
}

#[component]
fn Fields(title: &'static str, list: Vec<Param>) -> impl IntoView {
    if list.is_empty() {
        return ().into_any();
    }
    let rows = list
        .into_iter()
        .map(|p| view! {
            <li>
                <code class="font-mono text-xs">{p.name}</code>
                <span class="text-xs text-slate-500 dark:text-slate-400">{format!(" {}{}", p.kind, if p.required { ", required" } else { "" })}</span>
                {(!p.description.is_empty()).then(|| view! { <span class="text-slate-700 dark:text-slate-300">" — "{prose(&p.description)}</span> })}
            </li>
        })
        .collect_view();
    view! {
        <div>
            <h3 class="font-medium">{title}</h3>
            <ul class="mt-1 space-y-0.5">{rows}</ul>
        </div>
    }
    .into_any()
}

/// The documents' text with its `code` spans set as code (the only markup they use).
fn prose(text: &str) -> impl IntoView + use<> {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                view! { <code class="rounded bg-slate-100 px-1 font-mono text-xs dark:bg-slate-800">{part.to_string()}</code> }.into_any()
            } else {
                part.to_string().into_any()
            }
        })
        .collect_view()
}
