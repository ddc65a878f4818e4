//! `/invites`: invite someone by email, and the open invites with resend, new link and revoke.

use crate::api::groups::list_groups;
use crate::api::invites::{
    CreateInvite, InviteRow, IssuedInvite, ReissueInvite, RevokeInvite, list_invites,
};
use crate::components::confirm::ConfirmDialog;
use crate::components::copy::CopyLink;
use crate::components::form::{
    Field, FormAlert, PRIMARY_BUTTON_CLASS, RoleSelect, SECONDARY_BUTTON_CLASS, action_error,
};
use crate::components::widgets::{Badge, Column, DataTable, EmptyState, PageHeader, Section};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

const COLUMNS: &[Column] = &[
    ("Email", ""),
    ("Role", "hidden sm:table-cell"),
    ("Groups", "hidden lg:table-cell"),
    ("Invited by", "hidden xl:table-cell"),
    ("Expires", "hidden md:table-cell"),
    ("", ""),
];

#[component]
pub fn InvitesPage() -> impl IntoView {
    let create = ServerAction::<CreateInvite>::new();
    let reissue = ServerAction::<ReissueInvite>::new();
    let revoke = ServerAction::<RevokeInvite>::new();
    let invites = Resource::new(
        move || {
            (
                create.version().get(),
                reissue.version().get(),
                revoke.version().get(),
            )
        },
        |_| list_invites(),
    );
    // The newest link made on this page: shown once, since only its hash is kept.
    let issued = Signal::derive(move || {
        let latest = |v: Option<Result<IssuedInvite, AppError>>| v.and_then(Result::ok);
        latest(reissue.value().get()).or_else(|| latest(create.value().get()))
    });
    view! {
        <Title text="Invites"/>
        <PageHeader title="Invites" description="Invite people by email. They choose their username and password, and join with the role and groups you pick."/>
        <div class="space-y-6">
            <div class="max-w-xl"><Section title="New invite"><InviteForm action=create/></Section></div>
            <div class="min-w-0 space-y-4">
                <h2 class="text-lg font-semibold">"Open invites"</h2>
                {move || issued.get().map(|i| view! { <IssuedNotice issued=i/> })}
                <FormAlert error=Signal::derive(move || action_error(reissue).get().or_else(|| action_error(revoke).get()))/>
                <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading invites…"</p> }>
                    {move || Suspend::new(async move {
                        match invites.await {
                            Ok(list) => view! { <InvitesTable invites=list reissue revoke/> }.into_any(),
                            Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </div>
    }
}

#[component]
fn IssuedNotice(issued: IssuedInvite) -> impl IntoView {
    let text = if issued.mailed {
        format!(
            "Invite mailed to {}. You can also pass the link on yourself:",
            issued.invite.email
        )
    } else {
        format!(
            "Invite for {} ready. Send them this link; it is shown only now:",
            issued.invite.email
        )
    };
    view! {
        <div role="status" class="space-y-3 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
            <p>{text}</p>
            <CopyLink link=issued.link label="Invite link"/>
            <p class="text-xs">"Expires " {issued.invite.expires} ". It works once."</p>
        </div>
    }
}

#[component]
fn InviteForm(action: ServerAction<CreateInvite>) -> impl IntoView {
    let error = action_error(action);
    let groups = Resource::new(|| (), |_| list_groups());
    view! {
        <ActionForm action=action attr:class="space-y-3" attr:aria-label="New invite">
            <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field.is_none()))/>
            <Field name="email" label="Email" kind="email" autocomplete="off" required=true error/>
            <RoleSelect note="Your role invites people with the user role only."/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = groups.await.unwrap_or_default();
                    let none = list.iter().all(|g| g.builtin);
                    let boxes = list.into_iter().filter(|g| !g.builtin).enumerate().map(|(i, g)| {
                        let id = format!("invite-group-{i}");
                        let for_id = id.clone();
                        view! {
                            <label for=for_id class="flex items-center gap-2 text-sm">
                                <input id=id type="checkbox" name=format!("groups[{i}]") value=g.id.clone() class="h-4 w-4 rounded border-slate-300"/>
                                <span class="truncate">{g.name.clone()}</span>
                                {g.is_admin.then(|| view! { <Badge text="admin".to_string()/> })}
                            </label>
                        }
                    }).collect_view();
                    view! {
                        <fieldset class="space-y-1">
                            <legend class="text-sm font-medium text-slate-700 dark:text-slate-300">"Groups"</legend>
                            <p class="text-xs text-slate-500 dark:text-slate-400">
                                {if none { "Everyone joins ldapusers. Create groups to add people to more." } else { "Everyone joins ldapusers." }}
                            </p>
                            <div class="max-h-48 space-y-1 overflow-y-auto">{boxes}</div>
                        </fieldset>
                    }
                })}
            </Suspense>
            <label for="field-send" class="flex items-start gap-2 text-sm">
                <input id="field-send" type="checkbox" name="send" checked=true class="mt-0.5 h-4 w-4 rounded border-slate-300"/>
                <span>"Email the invite" <span class="block text-xs text-slate-500 dark:text-slate-400">"Otherwise copy the link and send it yourself."</span></span>
            </label>
            <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=move || action.pending().get()>"Send invite"</button>
        </ActionForm>
    }
}

#[component]
fn InvitesTable(
    invites: Vec<InviteRow>,
    reissue: ServerAction<ReissueInvite>,
    revoke: ServerAction<RevokeInvite>,
) -> impl IntoView {
    if invites.is_empty() {
        return view! {
            <EmptyState title="No open invites".to_string() text="Invites you send appear here until they are accepted or revoked.".to_string()/>
        }
        .into_any();
    }
    let rows = invites
        .into_iter()
        .map(|invite| view! { <InviteLine invite reissue revoke/> })
        .collect_view();
    view! { <DataTable caption="Open invites" columns=COLUMNS>{rows}</DataTable> }.into_any()
}

#[component]
fn InviteLine(
    invite: InviteRow,
    reissue: ServerAction<ReissueInvite>,
    revoke: ServerAction<RevokeInvite>,
) -> impl IntoView {
    let groups = if invite.groups.is_empty() {
        "—".to_string()
    } else {
        invite.groups.join(", ")
    };
    let expired = invite.state == "expired";
    let resend_id = invite.id.clone();
    let link_id = invite.id.clone();
    let revoke_id = StoredValue::new(invite.id.clone());
    view! {
        <tr class="align-top">
            <td class="max-w-[16rem] break-all px-4 py-3 font-medium sm:break-words">
                {invite.email.clone()}
                {expired.then(|| view! { <span class="ml-2"><Badge text="expired".to_string()/></span> })}
                <span class="mt-1 block sm:hidden"><Badge text=invite.role.clone()/></span>
            </td>
            <td class="hidden px-4 py-3 sm:table-cell"><Badge text=invite.role.clone()/></td>
            <td class="hidden px-4 py-3 text-slate-600 dark:text-slate-400 lg:table-cell">{groups}</td>
            <td class="hidden px-4 py-3 text-slate-600 dark:text-slate-400 xl:table-cell">{invite.invited_by.clone()}</td>
            <td class="hidden whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-400 md:table-cell">{invite.expires.clone()}</td>
            <td class="px-4 py-3">
                <div class="flex flex-col items-end gap-2 sm:flex-row sm:justify-end">
                    <ActionForm action=reissue attr:aria-label=format!("Resend the invite to {}", invite.email)>
                        <input type="hidden" name="id" value=resend_id/>
                        <input type="hidden" name="send" value="on"/>
                        <button type="submit" class=SECONDARY_BUTTON_CLASS>"Resend"</button>
                    </ActionForm>
                    <ActionForm action=reissue attr:aria-label=format!("New link for {}", invite.email)>
                        <input type="hidden" name="id" value=link_id/>
                        <button type="submit" class=SECONDARY_BUTTON_CLASS title="Makes a new link to copy; earlier links stop working">"New link"</button>
                    </ActionForm>
                    <ConfirmDialog label="Revoke" title=format!("Revoke the invite to {}?", invite.email)
                        text="The link stops working at once. You can invite the address again later.".to_string() enabled=true centered=true>
                        <ActionForm action=revoke>
                            <input type="hidden" name="id" value=revoke_id.get_value()/>
                            <button type="submit" class=crate::components::form::DANGER_BUTTON_CLASS>"Revoke invite"</button>
                        </ActionForm>
                    </ConfirmDialog>
                </div>
            </td>
        </tr>
    }
}
