//! `/profile`: the signed-in person's own account.

use crate::components::layout::MeResource;
use crate::components::widgets::{Badge, PageHeader};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    view! {
        <Title text="Profile"/>
        <PageHeader title="Profile" description="Your account on this server."/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                me.await.ok().flatten().map(|me| view! {
                    <dl class="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
                        <Row term="Username"><span class="font-mono">{me.username}</span></Row>
                        <Row term="Name">{me.display_name}</Row>
                        <Row term="Email">{me.email}</Row>
                        <Row term="Role"><Badge text=me.role/></Row>
                    </dl>
                })
            })}
        </Suspense>
    }
}

#[component]
fn Row(term: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="grid gap-1 px-5 py-4 sm:grid-cols-3 sm:gap-4">
            <dt class="text-sm font-medium text-slate-600 dark:text-slate-400">{term}</dt>
            <dd class="min-w-0 break-words text-sm sm:col-span-2">{children()}</dd>
        </div>
    }
}
