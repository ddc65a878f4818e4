//! `/groups` and `/groups/new`: the groups list and the create form.

use crate::api::groups::{CreateGroup, GroupRow, list_groups};
use crate::components::form::{Field, FormAlert, PRIMARY_BUTTON_CLASS, action_error};
use crate::components::layout::MeResource;
use crate::components::widgets::{Badge, Column, DataTable, EmptyState, PageHeader, Section};
use leptos::prelude::*;
use leptos_meta::Title;

const COLUMNS: &[Column] = &[
    ("Name", ""),
    ("GID", ""),
    ("Members", ""),
    ("Description", "hidden md:table-cell"),
];

#[component]
pub fn GroupsPage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let groups = Resource::new(|| (), |_| list_groups());
    view! {
        <Title text="Groups"/>
        <div class="flex flex-wrap items-start justify-between gap-4">
            <PageHeader title="Groups" description="Groups collect people so apps and LDAP clients can grant access to many at once."/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let can = me.await.ok().flatten().is_some_and(|m| m.can(vocab::Permission::GroupsWrite));
                    can.then(|| view! {
                        <a href="/groups/new" class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500">
                            "New group"
                        </a>
                    })
                })}
            </Suspense>
        </div>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading groups…"</p> }>
            {move || Suspend::new(async move {
                match groups.await {
                    Ok(groups) => view! { <GroupsTable groups/> }.into_any(),
                    Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn GroupsTable(groups: Vec<GroupRow>) -> impl IntoView {
    if groups.is_empty() {
        return view! {
            <EmptyState title="No groups".to_string() text="Create a group to give many people access at once.".to_string()/>
        }
        .into_any();
    }
    let rows = groups.into_iter().map(|g| view! {
        <tr class="hover:bg-slate-50 dark:hover:bg-slate-800/50">
            <td class="px-4 py-3">
                <a href=format!("/groups/{}", g.id) class="rounded font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300">{g.name.clone()}</a>
                <span class="ml-2 inline-flex gap-1">
                    {g.builtin.then(|| view! { <Badge text="built-in".to_string()/> })}
                    {g.is_admin.then(|| view! { <Badge text="admin".to_string()/> })}
                </span>
            </td>
            <td class="px-4 py-3 font-mono text-slate-600 dark:text-slate-300">{g.gid_number}</td>
            <td class="px-4 py-3 text-slate-600 dark:text-slate-300">{g.member_count}</td>
            <td class="hidden max-w-md truncate px-4 py-3 text-slate-600 dark:text-slate-300 md:table-cell">{g.description.clone()}</td>
        </tr>
    }).collect_view();
    view! { <DataTable caption="Groups" columns=COLUMNS>{rows}</DataTable> }.into_any()
}

#[component]
pub fn NewGroupPage() -> impl IntoView {
    let action = ServerAction::<CreateGroup>::new();
    let error = action_error(action);
    view! {
        <Title text="New group"/>
        <nav aria-label="Breadcrumb" class="mb-2 text-sm"><a href="/groups" class="text-indigo-700 hover:underline dark:text-indigo-300">"Groups"</a></nav>
        <PageHeader title="New group"/>
        <div class="max-w-xl">
            <Section title="Group">
                <ActionForm action=action attr:class="space-y-3" attr:aria-label="New group">
                    <FormAlert error/>
                    <Field name="name" label="Name" autocomplete="off" required=true error
                        hint=Signal::derive(|| Some("Letters, digits, '.', '-' and '_'. Apps and LDAP see it as the group's cn.".to_string()))/>
                    <Field name="description" label="Description (optional)" autocomplete="off" error/>
                    <Field name="gid_number" label="GID (optional)" kind="number" autocomplete="off" error
                        hint=Signal::derive(|| Some("Leave empty to take the next free number from 10000 up.".to_string()))/>
                    <AdminCheckbox checked=false disabled=false/>
                    <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=move || action.pending().get()>"Create group"</button>
                </ActionForm>
            </Section>
        </div>
    }
}

/// The administrator flag, with what it means.
#[component]
pub fn AdminCheckbox(checked: bool, disabled: bool) -> impl IntoView {
    view! {
        <div class="flex items-start gap-2">
            <input id="field-is_admin" type="checkbox" name="is_admin" checked=checked disabled=disabled
                class="mt-0.5 h-4 w-4 rounded border-slate-300" aria-describedby="field-is_admin-help"/>
            <div>
                <label for="field-is_admin" class="text-sm font-medium">"Administrators"</label>
                <p id="field-is_admin-help" class="text-xs text-slate-500 dark:text-slate-400">"Members get the admin role's permissions in Gatehouse."</p>
            </div>
        </div>
    }
}
