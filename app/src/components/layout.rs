//! The dashboard frame: sidebar navigation, the user menu and the page outlet.

use crate::api::{Logout, Me, current_user};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;

/// The signed-in person, provided to every page inside the dashboard.
pub type MeResource = Resource<Result<Option<Me>, crate::error::AppError>>;

const NAV: &[(&str, &str)] = &[
    ("/", "Overview"),
    ("/users", "Users"),
    ("/invites", "Invites"),
    ("/groups", "Groups"),
    ("/apps", "Apps"),
    ("/activity", "Activity"),
    ("/settings", "Settings"),
];

/// The frame around every signed-in page.
#[component]
pub fn Dashboard() -> impl IntoView {
    let me: MeResource = Resource::new_blocking(|| (), |_| current_user());
    provide_context(me);
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:text-slate-900">
            "Skip to content"
        </a>
        <div class="min-h-screen md:flex">
            <Sidebar/>
            <div class="min-w-0 flex-1">
                <ImpersonationBanner/>
                <header class="flex h-14 items-center justify-between border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900 md:justify-end md:px-8">
                    <MobileNav/>
                    <UserMenu/>
                </header>
                <main id="main" class="mx-auto max-w-6xl px-4 py-8 md:px-8">
                    <PasswordChangeGuard/>
                    <Outlet/>
                </main>
            </div>
        </div>
    }
    .into_any()
}

/// Someone on a temporary password is sent to choose their own, and someone without 2FA
/// where it is mandatory to set it up; the server refuses their other requests anyway, this only spares them a page of errors after client-side navigation.
#[component]
fn PasswordChangeGuard() -> impl IntoView {
    let me = expect_context::<MeResource>();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let me = me.await.ok().flatten();
                let path = match me {
                    Some(m) if m.must_change_password => Some(crate::PASSWORD_PAGE),
                    Some(m) if m.must_set_up_mfa => Some(crate::MFA_SETUP_PAGE),
                    _ => None,
                };
                path.map(|path| view! { <leptos_router::components::Redirect path/> })
            })}
        </Suspense>
    }
}

/// Says on every page that an administrator is acting as someone else.
#[component]
fn ImpersonationBanner() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let logout = ServerAction::<crate::api::Logout>::new();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                me.await.ok().flatten().and_then(|m| m.impersonated_by.clone().map(|admin| view! {
                    <div role="status" class="flex flex-wrap items-center justify-between gap-2 bg-amber-400 px-4 py-2 text-sm font-medium text-amber-950 md:px-8">
                        <span>{format!("You are signed in as {} by impersonation ({admin}). Everything you do is recorded as {admin}, on their behalf.", m.username)}</span>
                        <ActionForm action=logout>
                            <button type="submit" class="rounded-md bg-amber-950 px-3 py-1 text-xs font-semibold text-amber-50 hover:bg-amber-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-950">"End impersonation"</button>
                        </ActionForm>
                    </div>
                }))
            })}
        </Suspense>
    }
}

#[component]
fn Logo() -> impl IntoView {
    view! {
        <a href="/" class="flex items-center gap-2 rounded font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-indigo-500">
            <svg aria-hidden="true" viewBox="0 0 32 32" class="h-7 w-7">
                <rect width="32" height="32" rx="7" class="fill-indigo-600"/>
                <path d="M9 25V13l7-5 7 5v12h-5v-6h-4v6z" fill="white"/>
            </svg>
            <span>"Gatehouse"</span>
        </a>
    }
}

#[component]
fn NavLinks() -> impl IntoView {
    let location = use_location();
    let links = NAV
        .iter()
        .map(|(href, label)| {
            let href = *href;
            let current = move || {
                let path = location.pathname.get();
                if href == "/" { path == "/" } else { path == href || path.starts_with(&format!("{href}/")) }
            };
            view! {
                <li>
                    <A
                        href=href
                        attr:class="block rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-indigo-950 dark:aria-[current=page]:text-indigo-300"
                        attr:aria-current=move || current().then_some("page")
                    >
                        <span class="flex items-center justify-between gap-2">
                            {*label}
                            {(href == "/users").then(|| view! { <PendingBadge/> })}
                        </span>
                    </A>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="space-y-1">{links}</ul>
        <p class="mt-6 px-3 text-xs font-semibold uppercase tracking-wide text-slate-500">"Account"</p>
        <ul class="mt-2 space-y-1">
            <li>
                <A href="/profile" attr:class="block rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-indigo-950 dark:aria-[current=page]:text-indigo-300">
                    "Profile"
                </A>
            </li>
        </ul>
    }
}

/// How many accounts wait for approval, next to "Users" (only for those who approve).
#[component]
fn PendingBadge() -> impl IntoView {
    let me = expect_context::<MeResource>();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let waiting = me.await.ok().flatten().map_or(0, |m| m.pending_approvals);
                (waiting > 0).then(|| view! {
                    <span class="rounded-full bg-amber-500 px-2 py-0.5 text-xs font-semibold text-white"
                        title=format!("{waiting} waiting for approval")>
                        {waiting}
                        <span class="sr-only">" waiting for approval"</span>
                    </span>
                })
            })}
        </Suspense>
    }
}

#[component]
fn Sidebar() -> impl IntoView {
    view! {
        <aside class="hidden w-60 shrink-0 border-r border-slate-200 bg-white px-4 py-4 dark:border-slate-800 dark:bg-slate-900 md:block">
            <div class="px-2 pb-6"><Logo/></div>
            <nav aria-label="Main"><NavLinks/></nav>
        </aside>
    }
    .into_any()
}

/// On narrow screens the sidebar folds into a disclosure that works without JavaScript.
#[component]
fn MobileNav() -> impl IntoView {
    view! {
        <div class="flex items-center gap-3 md:hidden">
            <details class="group relative">
                <summary class="flex cursor-pointer list-none items-center rounded-md p-2 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-slate-800">
                    <svg aria-hidden="true" class="h-5 w-5" fill="none" viewBox="0 0 24 24" stroke="currentColor" stroke-width="2">
                        <path stroke-linecap="round" d="M4 6h16M4 12h16M4 18h16"/>
                    </svg>
                    <span class="sr-only">"Menu"</span>
                </summary>
                <nav aria-label="Main" class="absolute left-0 z-20 mt-2 w-56 rounded-lg border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900">
                    <NavLinks/>
                </nav>
            </details>
            <Logo/>
        </div>
    }
    .into_any()
}

#[component]
fn UserMenu() -> impl IntoView {
    let me = expect_context::<MeResource>();
    let logout = ServerAction::<Logout>::new();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let me = me.await.ok().flatten();
                me.map(|me| {
                    let initials: String = me.display_name.chars().take(1).collect::<String>().to_uppercase();
                    view! {
                        <details class="relative">
                            <summary
                                aria-label="Account menu"
                                class="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-slate-800"
                            >
                                <span aria-hidden="true" class="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold text-white">
                                    {initials}
                                </span>
                                <span class="max-w-40 truncate font-medium" data-testid="signed-in-user">{me.username.clone()}</span>
                            </summary>
                            <div class="absolute right-0 z-20 mt-2 w-64 rounded-lg border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900">
                                <div class="border-b border-slate-200 px-3 pb-2 pt-1 dark:border-slate-700">
                                    <p class="truncate text-sm font-medium">{me.display_name.clone()}</p>
                                    <p class="truncate text-xs text-slate-500 dark:text-slate-400">{me.email.clone()}</p>
                                </div>
                                <a href="/profile" class="mt-1 block rounded-md px-3 py-2 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-slate-800">
                                    "Profile"
                                </a>
                                <ActionForm action=logout>
                                    <button type="submit" class="block w-full rounded-md px-3 py-2 text-left text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-slate-800">
                                        "Sign out"
                                    </button>
                                </ActionForm>
                            </div>
                        </details>
                    }
                })
            })}
        </Suspense>
    }
}
