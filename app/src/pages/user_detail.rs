//! `/users/:id`: one user's page: details, role, status actions, groups, deletion.

use crate::api::groups::{AddGroupMember, RemoveGroupMember};
use crate::api::users::{
    ApproveUser, DeleteUser, ReactivateUser, SetUserRole, SuspendUser, UpdateUser, UserDetail,
    get_user,
};
use crate::components::confirm::ConfirmDialog;
use crate::components::form::{
    DANGER_BUTTON_CLASS, Field, FormAlert, INPUT_CLASS, PRIMARY_BUTTON_CLASS,
    SECONDARY_BUTTON_CLASS, action_error,
};
use crate::components::widgets::{Badge, Section};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use vocab::Status;

/// What the signed-in person may do on this page, worked out once from their permissions
/// and the server's answer about this user.
#[derive(Clone, Copy, Debug, Default)]
struct Can {
    edit: bool,
    details: bool,
    set_role: bool,
    status: bool,
    delete: bool,
    groups: bool,
    impersonate: bool,
}

/// The page's actions, so every form can refresh the page's data when one completes.
#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateUser>,
    role: ServerAction<SetUserRole>,
    approve: ServerAction<ApproveUser>,
    suspend: ServerAction<SuspendUser>,
    reactivate: ServerAction<ReactivateUser>,
    delete: ServerAction<DeleteUser>,
    add: ServerAction<AddGroupMember>,
    remove: ServerAction<RemoveGroupMember>,
}

impl Actions {
    fn new() -> Self {
        Self {
            update: ServerAction::new(),
            role: ServerAction::new(),
            approve: ServerAction::new(),
            suspend: ServerAction::new(),
            reactivate: ServerAction::new(),
            delete: ServerAction::new(),
            add: ServerAction::new(),
            remove: ServerAction::new(),
        }
    }

    /// Changes whenever any action finishes.
    fn version(&self) -> usize {
        self.update.version().get()
            + self.role.version().get()
            + self.approve.version().get()
            + self.suspend.version().get()
            + self.reactivate.version().get()
            + self.add.version().get()
            + self.remove.version().get()
    }

    /// The latest error of the status and membership actions, shown at the top.
    fn error(&self) -> Signal<Option<AppError>> {
        let list = [
            action_error(self.approve),
            action_error(self.suspend),
            action_error(self.reactivate),
            action_error(self.delete),
            action_error(self.add),
            action_error(self.remove),
        ];
        Signal::derive(move || list.iter().find_map(|e| e.get()))
    }
}

#[component]
pub fn UserDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let actions = Actions::new();
    let detail = Resource::new(move || (id(), actions.version()), |(id, _)| get_user(id));
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        let c = &detail.can;
                        let can = Can {
                            edit: c.edit,
                            details: c.details,
                            set_role: c.set_role,
                            status: c.status,
                            delete: c.delete,
                            groups: c.groups,
                            impersonate: c.impersonate,
                        };
                        view! { <UserView detail can actions/> }.into_any()
                    }
                    Err(err) => view! {
                        <Title text="User"/>
                        <crate::components::widgets::LoadError message=err.message/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UserView(detail: UserDetail, can: Can, actions: Actions) -> impl IntoView {
    let user = detail.user.clone();
    view! {
        <Title text=user.username.clone()/>
        <nav aria-label="Breadcrumb" class="mb-2 text-sm"><a href="/users" class="text-indigo-700 hover:underline dark:text-indigo-300">"Users"</a></nav>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-4">
            <div class="min-w-0">
                <h1 class="truncate text-2xl font-semibold tracking-tight" title=user.display_name.clone()>{user.display_name.clone()}</h1>
                <p class="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
                    <span class="font-mono">{user.username.clone()}</span>
                    <Badge text=user.role.name().to_string()/>
                    <Badge text=user.status.name().to_string()/>
                    {detail.must_change_password.then(|| view! { <Badge text="temporary password".to_string()/> })}
                </p>
            </div>
            <StatusActions detail=detail.clone() can actions/>
        </div>
        <FormAlert error=actions.error()/>
        <div class="mt-4 grid gap-6 lg:grid-cols-3">
            <div class="min-w-0 space-y-6 lg:col-span-2">
                <DetailsForm detail=detail.clone() can actions/>
                <GroupsSection detail=detail.clone() can actions/>
            </div>
            <div class="min-w-0 space-y-6">
                <RoleForm detail=detail.clone() can actions/>
                {detail.can.reset.then(|| view! {
                    <crate::pages::user_reset::ResetLinkSection id=detail.user.id.clone() username=detail.user.username.clone()/>
                })}
                <crate::pages::user_access::AccessSection id=detail.user.id.clone() username=detail.user.username.clone()
                    editable=can.details impersonate=can.impersonate/>
                {can.details.then(|| {
                    let whose = crate::pages::profile_access::Whose {
                        id: Some(detail.user.id.clone()),
                        username: detail.user.username.clone(),
                    };
                    view! {
                        <crate::pages::profile_access::SessionsSection whose=whose.clone()/>
                        <crate::pages::profile_access::ApiKeysSection whose/>
                    }
                })}
                <Facts detail/>
            </div>
        </div>
    }
}

/// Approve, suspend or reactivate, and delete, depending on the user's status.
#[component]
fn StatusActions(detail: UserDetail, can: Can, actions: Actions) -> impl IntoView {
    let id = StoredValue::new(detail.user.id.clone());
    let name = detail.user.username.clone();
    let status = detail.user.status;
    let suspend_label = StoredValue::new(format!("Suspend {name}"));
    let delete_label = StoredValue::new(format!("Delete {name}"));
    let main = match status {
        Status::Pending => view! { <ApproveDialog detail=detail.clone() can actions/> }.into_any(),
        Status::Suspended => view! {
            <ActionForm action=actions.reactivate>
                <input type="hidden" name="id" value=id.get_value()/>
                <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=!can.status>"Reactivate user"</button>
            </ActionForm>
        }.into_any(),
        _ => view! {
            <ConfirmDialog label="Suspend user" enabled=can.status
                title=format!("Suspend {name}?")
                text=format!("{name} is signed out everywhere at once and cannot sign in until reactivated. Nothing is deleted.")>
                <ActionForm action=actions.suspend>
                    <input type="hidden" name="id" value=id.get_value()/>
                    <button type="submit" class=DANGER_BUTTON_CLASS>{suspend_label.get_value()}</button>
                </ActionForm>
            </ConfirmDialog>
        }.into_any(),
    };
    let name = detail.user.username.clone();
    view! {
        <div class="flex flex-wrap gap-2">
            {main}
            <ConfirmDialog label="Delete user" enabled=can.delete
                title=format!("Delete {name}?")
                text=format!("The account {name}, its sessions and memberships are removed for good. The activity log keeps what they did.")>
                <ActionForm action=actions.delete>
                    <input type="hidden" name="id" value=id.get_value()/>
                    <button type="submit" class=DANGER_BUTTON_CLASS>{delete_label.get_value()}</button>
                </ActionForm>
            </ConfirmDialog>
        </div>
    }
}

/// Approval of a pending user, with the groups to put them in.
#[component]
fn ApproveDialog(detail: UserDetail, can: Can, actions: Actions) -> impl IntoView {
    let id = StoredValue::new(detail.user.id.clone());
    let name = detail.user.username.clone();
    let choices: Vec<(usize, crate::api::users::GroupRef)> = detail
        .all_groups
        .iter()
        .cloned()
        .enumerate()
        .filter(|(_, g)| !detail.groups.iter().any(|m| m.id == g.id))
        .collect();
    let choices = StoredValue::new(choices);
    let approve_label = StoredValue::new(format!("Approve {name}"));
    let choices = move || {
        choices.get_value().into_iter()
        .map(|(i, g)| {
            let field = format!("approve-group-{i}");
            view! {
                <label class="flex items-center gap-2 text-sm">
                    <input id=field type="checkbox" name=format!("groups[{i}]") value=g.id.clone()
                        disabled=g.is_admin && !can.set_role class="h-4 w-4 rounded border-slate-300"/>
                    {g.name.clone()}
                </label>
            }
        })
        .collect_view()
    };
    view! {
        <ConfirmDialog label="Approve user" enabled=can.status danger=false
            title=format!("Approve {name}?")
            text=format!("{name} can sign in once approved. Add them to groups now if you like.")>
            <ActionForm action=actions.approve>
                <input type="hidden" name="id" value=id.get_value()/>
                <fieldset class="mb-3 max-h-48 space-y-1 overflow-y-auto">
                    <legend class="mb-1 text-xs font-medium text-slate-600 dark:text-slate-400">"Also add to"</legend>
                    {choices()}
                </fieldset>
                <button type="submit" class=PRIMARY_BUTTON_CLASS>{approve_label.get_value()}</button>
            </ActionForm>
        </ConfirmDialog>
    }
}

#[component]
fn DetailsForm(detail: UserDetail, can: Can, actions: Actions) -> impl IntoView {
    let error = action_error(actions.update);
    let saved = move || actions.update.value().get().is_some_and(|r| r.is_ok());
    let u = detail.user;
    // One's own details change from the profile, which confirms a new address by mail.
    let can = Can {
        edit: can.details,
        ..can
    };
    view! {
        <Section title="Details">
            {detail.is_self.then(|| view! {
                <p class="mb-3 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700 dark:bg-slate-800 dark:text-slate-200">
                    "This is your account: change your details, password and two-factor authentication from "
                    <a href="/profile" class="font-medium text-indigo-700 underline dark:text-indigo-300">"your profile"</a> "."
                </p>
            })}
            <ActionForm action=actions.update attr:class="space-y-3" attr:aria-label="User details">
                <FormAlert error/>
                <input type="hidden" name="id" value=u.id/>
                <div class="grid gap-x-4 sm:grid-cols-2">
                    <Field name="first_name" label="First name" initial=detail.first_name disabled=!can.edit error/>
                    <Field name="last_name" label="Last name" initial=detail.last_name disabled=!can.edit error/>
                </div>
                <Field name="display_name" label="Display name" initial=u.display_name disabled=!can.edit error/>
                <Field name="email" label="Email" kind="email" initial=u.email required=true disabled=!can.edit error/>
                <Field name="fallback_email" label="Fallback email (optional)" kind="email" initial=detail.fallback_email disabled=!can.edit error/>
                <div class="flex items-center gap-3">
                    <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=!can.edit>"Save details"</button>
                    <p role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{move || saved().then_some("Saved.")}</p>
                </div>
            </ActionForm>
        </Section>
    }
}

#[component]
fn RoleForm(detail: UserDetail, can: Can, actions: Actions) -> impl IntoView {
    let error = action_error(actions.role);
    let current = detail.user.role;
    let options = detail
        .can
        .roles
        .into_iter()
        .map(|role| {
            let selected = role == current;
            view! { <option value=role.name() selected=selected>{role.name()}</option> }
        })
        .collect_view();
    view! {
        <Section title="Role">
            <ActionForm action=actions.role attr:class="space-y-3" attr:aria-label="Role">
                <FormAlert error/>
                <input type="hidden" name="id" value=detail.user.id/>
                <label for="field-role" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Role"</label>
                <select id="field-role" name="role" class=INPUT_CLASS disabled=!can.set_role>{options}</select>
                <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=!can.set_role>"Change role"</button>
            </ActionForm>
        </Section>
    }
}

#[component]
fn GroupsSection(detail: UserDetail, can: Can, actions: Actions) -> impl IntoView {
    let id = detail.user.id.clone();
    let back = format!("/users/{id}");
    let rows = detail.groups.clone().into_iter().map(|g| {
        let (id, back) = (id.clone(), back.clone());
        view! {
            <li class="flex items-center justify-between gap-3 py-2">
                <a href=format!("/groups/{}", g.id) class="truncate text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300">{g.name.clone()}</a>
                <ActionForm action=actions.remove>
                    <input type="hidden" name="group" value=g.id.clone()/>
                    <input type="hidden" name="user" value=id/>
                    <input type="hidden" name="back" value=back/>
                    <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=!can.groups || (g.is_admin && !can.set_role)
                        aria-label=format!("Remove from {}", g.name)>"Remove"</button>
                </ActionForm>
            </li>
        }
    }).collect_view();
    let addable: Vec<_> = detail
        .all_groups
        .iter()
        .filter(|g| !detail.groups.iter().any(|m| m.id == g.id) && (!g.is_admin || can.set_role))
        .map(|g| view! { <option value=g.id.clone()>{g.name.clone()}</option> })
        .collect();
    let none = detail.groups.is_empty();
    let no_choice = addable.is_empty();
    view! {
        <Section title="Groups">
            {none.then(|| view! { <p class="text-sm text-slate-600 dark:text-slate-400">"Not in any group."</p> })}
            <ul class="divide-y divide-slate-200 dark:divide-slate-800">{rows}</ul>
            <ActionForm action=actions.add attr:class="mt-3 flex gap-2" attr:aria-label="Add to group">
                <input type="hidden" name="user" value=id.clone()/>
                <input type="hidden" name="back" value=back.clone()/>
                <label for="field-add-group" class="sr-only">"Group"</label>
                <select id="field-add-group" name="group" class=INPUT_CLASS disabled=!can.groups || no_choice>{addable}</select>
                <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=!can.groups>"Add to group"</button>
            </ActionForm>
        </Section>
    }
}

#[component]
fn Facts(detail: UserDetail) -> impl IntoView {
    let u = detail.user;
    let row = |term: &'static str, value: String| {
        view! {
            <div class="flex justify-between gap-3 py-2"><dt class="text-slate-600 dark:text-slate-400">{term}</dt><dd class="text-right">{value}</dd></div>
        }
    };
    view! {
        <Section title="Account">
            <dl class="divide-y divide-slate-200 text-sm dark:divide-slate-800">
                {row("UID", detail.uid_number.to_string())}
                {row("Created", u.created)}
                {row("Updated", detail.updated)}
                {row("Last sign-in", u.last_login.unwrap_or_else(|| "Never".into()))}
            </dl>
        </Section>
    }
}
