//! `/profile`: the signed-in person's own account: details, password, avatar, groups,
//! sessions and API keys.

use crate::api::account::{ChangePassword, ProfileData, RemoveAvatar, UpdateProfile, profile};
use crate::components::form::{
    Field, FormAlert, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS, action_error,
};
use crate::components::widgets::{Badge, PageHeader, Section};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    let remove = ServerAction::<RemoveAvatar>::new();
    let data = Resource::new(
        move || (update.version().get(), remove.version().get()),
        |_| profile(),
    );
    view! {
        <Title text="Profile"/>
        <PageHeader title="Profile" description="Your account on this server."/>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! {
                        <div class="grid gap-6 lg:grid-cols-3">
                            <div class="min-w-0 space-y-6 lg:col-span-2">
                                <DetailsForm p=p.clone() update/>
                                <OwnSecrets username=p.username.clone() impersonated_by=p.impersonated_by.clone() password_min=p.password_min/>
                                <crate::pages::profile_access::SessionsSection/>
                                {p.impersonated_by.is_none().then(|| view! { <crate::pages::profile_access::ApiKeysSection/> })}
                            </div>
                            <div class="min-w-0 space-y-6">
                                <AvatarSection p=p.clone() remove/>
                                <Summary p/>
                            </div>
                        </div>
                    }.into_any(),
                    Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The password and 2FA forms; an administrator impersonating sees why they are not there.
#[component]
fn OwnSecrets(
    username: String,
    impersonated_by: Option<String>,
    password_min: u32,
) -> impl IntoView {
    match impersonated_by {
        Some(admin) => view! {
            <Section title="Password and two-factor authentication">
                <p class="text-sm text-slate-600 dark:text-slate-400">
                    {format!("These are {username}'s own. {admin} is impersonating them and cannot change them.")}
                </p>
            </Section>
        }
        .into_any(),
        None => view! {
            <PasswordForm min=password_min/>
            <crate::pages::two_factor::TwoFactorSection username/>
        }
        .into_any(),
    }
}

#[component]
fn DetailsForm(p: ProfileData, update: ServerAction<UpdateProfile>) -> impl IntoView {
    let error = action_error(update);
    let saved = move || update.value().get().is_some_and(|r| r.is_ok());
    let off = p.locked;
    view! {
        <Section title="Details">
            {off.then(|| view! {
                <p class="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 dark:bg-amber-950 dark:text-amber-200">
                    "An administrator has locked profiles: ask them to change your name or email."
                </p>
            })}
            <ActionForm action=update attr:class="space-y-3" attr:aria-label="Your details">
                <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field.is_none()))/>
                <div class="grid gap-x-4 sm:grid-cols-2">
                    <Field name="first_name" label="First name" autocomplete="given-name" initial=p.first_name disabled=off error/>
                    <Field name="last_name" label="Last name" autocomplete="family-name" initial=p.last_name disabled=off error/>
                </div>
                <Field name="display_name" label="Display name" autocomplete="nickname" initial=p.display_name disabled=off error/>
                <Field name="email" label="Email" kind="email" autocomplete="email" initial=p.email required=true disabled=off error/>
                {p.pending_email.clone().map(|pending| view! {
                    <p role="status" class="-mt-4 mb-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                        "Waiting for confirmation: " <strong class="break-all">{pending}</strong>
                        ". Open the link we mailed there; until then your address stays as it is."
                    </p>
                })}
                <Field name="fallback_email" label="Fallback email (optional)" kind="email" initial=p.fallback_email disabled=off error/>
                {p.pending_fallback_email.clone().map(|pending| view! {
                    <p role="status" class="-mt-4 mb-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                        "Waiting for confirmation: " <strong class="break-all">{pending}</strong>
                        ". Reset links go there only once the link we mailed it is opened."
                    </p>
                })}
                <Field name="address_password" label="Your password, to change an email address" kind="password"
                    autocomplete="current-password" disabled=off error/>
                <div class="flex items-center gap-3">
                    <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=off>"Save details"</button>
                    <p role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{move || saved().then_some("Saved.")}</p>
                </div>
            </ActionForm>
        </Section>
    }
}

/// The password change form; also used on its own at `/password`, where `bare` leaves out
/// the card around it (the page is a card already).
#[component]
pub fn PasswordForm(
    /// The configured minimum length, for the hint.
    min: u32,
    #[prop(optional)] next: Option<&'static str>,
    #[prop(optional)] bare: bool,
) -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action);
    let done = move || action.value().get().is_some_and(|r| r.is_ok());
    let form = view! {
        <ActionForm action=action attr:class="space-y-3" attr:aria-label="Change password">
            <FormAlert error=Signal::derive(move || error.get().filter(|e| e.field.is_none()))/>
            <input type="hidden" name="next" value=next.unwrap_or("/profile")/>
            <Field name="current_password" label="Current password" kind="password" autocomplete="current-password" required=true error/>
            <Field name="new_password" label="New password" kind="password" autocomplete="new-password" required=true error
                hint=Signal::derive(move || Some(format!("At least {min} characters.")))/>
            <Field name="new_password_confirm" label="Repeat the new password" kind="password" autocomplete="new-password" required=true error/>
            <div class="flex items-center gap-3">
                <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=move || action.pending().get()>"Change password"</button>
                <p role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{move || done().then_some("Password changed.")}</p>
            </div>
        </ActionForm>
    };
    if bare {
        form.into_any()
    } else {
        view! { <Section title="Password">{form}</Section> }.into_any()
    }
}

#[component]
fn AvatarSection(p: ProfileData, remove: ServerAction<RemoveAvatar>) -> impl IntoView {
    let initial = p
        .display_name
        .chars()
        .next()
        .unwrap_or('?')
        .to_uppercase()
        .to_string();
    let picture = if p.has_avatar {
        view! { <img src=format!("/avatars/{}", p.id) alt="Your avatar" width="96" height="96" class="h-24 w-24 rounded-full object-cover"/> }.into_any()
    } else {
        view! { <div aria-hidden="true" class="flex h-24 w-24 items-center justify-center rounded-full bg-indigo-100 text-3xl font-semibold text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">{initial}</div> }.into_any()
    };
    let outcome = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("avatar"));
    let (text, role) = match outcome.as_deref() {
        Some("saved") => (Some("Picture saved."), "status"),
        Some("invalid") => (
            Some(
                "That file could not be used: upload a PNG, JPEG or WebP picture of at most 1 MiB.",
            ),
            "alert",
        ),
        Some("failed") => (
            Some("The picture could not be saved. Please try again."),
            "alert",
        ),
        _ => (None, "status"),
    };
    let tone = if role == "alert" {
        "text-red-700 dark:text-red-400"
    } else {
        "text-emerald-700 dark:text-emerald-400"
    };
    view! {
        <Section title="Avatar">
            <div class="flex flex-col items-start gap-3">
                <p role=role class=format!("text-sm empty:hidden {tone}")>{text}</p>
                {picture}
                <form method="post" action="/_fn/profile/avatar" enctype="multipart/form-data" class="space-y-2" aria-label="Upload avatar">
                    <label for="field-avatar" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"New picture"</label>
                    <input id="field-avatar" type="file" name="avatar" accept="image/png,image/jpeg,image/webp" required=true
                        class="block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium dark:file:bg-slate-800"/>
                    <p class="text-xs text-slate-500 dark:text-slate-400">"PNG, JPEG or WebP, up to 1 MiB. It is cropped to a square."</p>
                    <button type="submit" class=SECONDARY_BUTTON_CLASS>"Upload picture"</button>
                </form>
                {p.has_avatar.then(|| view! {
                    <ActionForm action=remove>
                        <button type="submit" class=SECONDARY_BUTTON_CLASS>"Remove picture"</button>
                    </ActionForm>
                })}
            </div>
        </Section>
    }
}

#[component]
fn Summary(p: ProfileData) -> impl IntoView {
    let groups = if p.groups.is_empty() {
        view! { <span>"None"</span> }.into_any()
    } else {
        p.groups
            .into_iter()
            .map(|g| view! { <Badge text=g.name/> })
            .collect_view()
            .into_any()
    };
    view! {
        <Section title="Account">
            <dl class="space-y-3 text-sm">
                <div><dt class="text-slate-600 dark:text-slate-400">"Username"</dt><dd class="font-mono">{p.username}</dd></div>
                <div><dt class="text-slate-600 dark:text-slate-400">"Role"</dt><dd><Badge text=p.role/></dd></div>
                <div><dt class="text-slate-600 dark:text-slate-400">"Groups"</dt><dd class="flex flex-wrap gap-1">{groups}</dd></div>
                <div><dt class="text-slate-600 dark:text-slate-400">"UID"</dt><dd>{p.uid_number}</dd></div>
                <div><dt class="text-slate-600 dark:text-slate-400">"Member since"</dt><dd>{p.created}</dd></div>
            </dl>
        </Section>
    }
}
