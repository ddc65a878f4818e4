//! `/groups/:id`: one group: its settings, members, and deletion.

use crate::api::groups::{
    AddGroupMember, DeleteGroup, GroupDetail, RemoveGroupMember, UpdateGroup, get_group,
};
use crate::components::confirm::ConfirmDialog;
use crate::components::form::{
    DANGER_BUTTON_CLASS, Field, FormAlert, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS,
    action_error,
};
use crate::components::widgets::{Badge, Column, DataTable, Section};
use crate::pages::groups::AdminCheckbox;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

const MEMBER_COLUMNS: &[Column] = &[("Member", ""), ("Status", "hidden sm:table-cell"), ("", "")];

#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateGroup>,
    delete: ServerAction<DeleteGroup>,
    add: ServerAction<AddGroupMember>,
    remove: ServerAction<RemoveGroupMember>,
}

/// What the viewer may do here, as the server worked it out.
type Can = vocab::GroupCan;

#[component]
pub fn GroupDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let actions = Actions {
        update: ServerAction::new(),
        delete: ServerAction::new(),
        add: ServerAction::new(),
        remove: ServerAction::new(),
    };
    let version = move || {
        actions.update.version().get()
            + actions.add.version().get()
            + actions.remove.version().get()
    };
    let detail = Resource::new(move || (id(), version()), |(id, _)| get_group(id));
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        let can = detail.can;
                        view! { <GroupView detail can actions/> }.into_any()
                    }
                    Err(err) => view! {
                        <Title text="Group"/>
                        <crate::components::widgets::LoadError message=err.message/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn GroupView(detail: GroupDetail, can: Can, actions: Actions) -> impl IntoView {
    let g = detail.group.clone();
    let id = StoredValue::new(g.id.clone());
    let delete_name = StoredValue::new(g.name.clone());
    let delete_error = action_error(actions.delete);
    view! {
        <Title text=g.name.clone()/>
        <nav aria-label="Breadcrumb" class="mb-2 text-sm"><a href="/groups" class="text-indigo-700 hover:underline dark:text-indigo-300">"Groups"</a></nav>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-4">
            <div class="min-w-0">
                <h1 class="truncate text-2xl font-semibold tracking-tight">{g.name.clone()}</h1>
                <p class="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
                    <span class="font-mono">{format!("GID {}", g.gid_number)}</span>
                    {g.builtin.then(|| view! { <Badge text="built-in".to_string()/> })}
                    {g.is_admin.then(|| view! { <Badge text="admin".to_string()/> })}
                </p>
            </div>
            <ConfirmDialog label="Delete group" enabled=can.write && !g.builtin
                title=format!("Delete {}?", g.name)
                text=format!("The group {} and its {} memberships are removed. The members' accounts stay.", g.name, g.member_count)>
                <ActionForm action=actions.delete>
                    <input type="hidden" name="id" value=id.get_value()/>
                    <button type="submit" class=DANGER_BUTTON_CLASS>{format!("Delete {}", delete_name.get_value())}</button>
                </ActionForm>
            </ConfirmDialog>
        </div>
        <FormAlert error=delete_error/>
        <div class="mt-4 grid gap-6 lg:grid-cols-3">
            <div class="min-w-0 lg:col-span-2"><Members detail=detail.clone() can actions/></div>
            <div class="min-w-0"><Settings detail can actions/></div>
        </div>
    }
}

#[component]
fn Settings(detail: GroupDetail, can: Can, actions: Actions) -> impl IntoView {
    let error = action_error(actions.update);
    let saved = move || actions.update.value().get().is_some_and(|r| r.is_ok());
    let g = detail.group;
    view! {
        <Section title="Settings">
            <ActionForm action=actions.update attr:class="space-y-3" attr:aria-label="Group settings">
                <FormAlert error/>
                <input type="hidden" name="id" value=g.id/>
                {g.builtin.then(|| view! { <input type="hidden" name="name" value=g.name.clone()/> })}
                <Field name="name" label="Name" initial=g.name.clone() required=true disabled=!can.write || g.builtin error/>
                <Field name="description" label="Description" initial=g.description disabled=!can.write error/>
                {g.builtin.then(|| g.is_admin.then(|| view! { <input type="hidden" name="is_admin" value="on"/> }))}
                <AdminCheckbox checked=g.is_admin disabled=!can.write || !can.admin || g.builtin/>
                <div class="flex items-center gap-3">
                    <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=!can.write>"Save group"</button>
                    <p role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{move || saved().then_some("Saved.")}</p>
                </div>
            </ActionForm>
        </Section>
    }
}

#[component]
fn Members(detail: GroupDetail, can: Can, actions: Actions) -> impl IntoView {
    let add_error = action_error(actions.add);
    let remove_error = action_error(actions.remove);
    let group = detail.group.id.clone();
    let back = format!("/groups/{group}");
    let count = detail.members.len();
    let total = detail.group.member_count;
    let more = (total as usize > count).then(|| view! {
        <p class="mt-3 text-sm text-slate-600 dark:text-slate-400">
            {format!("Showing the first {count} of {total} members. ")}
            <a href=format!("/users?group={group}") class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">"See them all in the users list"</a>
        </p>
    });
    let rows = detail.members.into_iter().map(|u| {
        let (group, back) = (group.clone(), back.clone());
        view! {
            <tr>
                <td class="px-4 py-3">
                    <a href=format!("/users/{}", u.id) class="block max-w-40 truncate font-medium text-indigo-700 sm:max-w-64 hover:underline dark:text-indigo-300">{u.display_name.clone()}</a>
                    <div class="text-xs text-slate-500 dark:text-slate-400">{u.username.clone()}</div>
                </td>
                <td class="hidden px-4 py-3 sm:table-cell"><Badge text=u.status.name().to_string()/></td>
                <td class="px-4 py-3 text-right">
                    <ActionForm action=actions.remove>
                        <input type="hidden" name="group" value=group/>
                        <input type="hidden" name="user" value=u.id.clone()/>
                        <input type="hidden" name="back" value=back/>
                        <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=!can.write aria-label=format!("Remove {}", u.username)>"Remove"</button>
                    </ActionForm>
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <Section title="Members">
            <FormAlert error=remove_error/>
            <ActionForm action=actions.add attr:class="mb-4 flex items-start gap-2" attr:aria-label="Add member">
                <input type="hidden" name="group" value=group.clone()/>
                <input type="hidden" name="back" value=back.clone()/>
                <div class="flex-1">
                    <Field name="username" label="Username to add" autocomplete="off" disabled=!can.write error=add_error/>
                </div>
                <button type="submit" class=format!("{SECONDARY_BUTTON_CLASS} mt-6") disabled=!can.write>"Add member"</button>
            </ActionForm>
            {if count == 0 {
                view! { <p class="text-sm text-slate-600 dark:text-slate-400">"No members yet. Add someone by their username."</p> }.into_any()
            } else {
                view! { <DataTable caption="Members" columns=MEMBER_COLUMNS>{rows}</DataTable> }.into_any()
            }}
            {more}
        </Section>
    }
}
