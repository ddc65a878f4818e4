//! One module per page.

pub mod activity;
pub mod api_reference;
pub mod group_detail;
pub mod groups;
pub mod invite_accept;
pub mod invites;
pub mod login;
pub mod not_found;
pub mod overview;
pub mod password;
pub mod placeholder;
pub mod profile;
pub mod profile_access;
pub mod recovery;
pub mod register;
pub mod settings;
pub mod setup;
pub mod two_factor;
pub mod user_access;
pub mod user_detail;
pub mod user_new;
pub mod user_reset;
pub mod users;

use leptos::prelude::*;

/// The centred card the signed-out pages (setup, sign-in) share.
#[component]
pub fn AuthCard(title: &'static str, subtitle: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="flex min-h-screen items-center justify-center px-4 py-12">
            <div class="w-full max-w-md">
                <div class="mb-6 flex flex-col items-center text-center">
                    <svg aria-hidden="true" viewBox="0 0 32 32" class="h-12 w-12">
                        <rect width="32" height="32" rx="7" class="fill-indigo-600"/>
                        <path d="M9 25V13l7-5 7 5v12h-5v-6h-4v6z" fill="white"/>
                    </svg>
                    <h1 class="mt-4 text-2xl font-semibold tracking-tight">{title}</h1>
                    <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{subtitle}</p>
                </div>
                <div class="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900 sm:p-8">
                    {children()}
                </div>
            </div>
        </main>
    }
}
