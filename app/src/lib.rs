//! Gatehouse's web UI: Leptos pages rendered on the server and hydrated in the browser.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod url;

pub use vocab::rules;

use components::layout::Dashboard;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};
use pages::activity::ActivityPage;
use pages::group_detail::GroupDetailPage;
use pages::groups::{GroupsPage, NewGroupPage};
use pages::invite_accept::InviteAcceptPage;
use pages::invites::InvitesPage;
use pages::login::{LoginCodePage, LoginPage};
use pages::not_found::NotFound;
use pages::overview::OverviewPage;
use pages::password::ChangePasswordPage;
use pages::placeholder::AppsPage;
use pages::profile::ProfilePage;
use pages::recovery::{ForgotPage, ResetPage, VerifyEmailPage};
use pages::register::{RegisterConfirmPage, RegisterPage};
use pages::settings::SettingsPage;
use pages::setup::SetupPage;
use pages::two_factor::TwoFactorPage;
use pages::user_detail::UserDetailPage;
use pages::user_new::NewUserPage;
use pages::users::UsersPage;

/// Pages anyone may open without signing in; every other page needs a session.
pub const PUBLIC_PAGES: &[&str] = &["/login", "/login/code", "/setup", "/register", "/forgot"];
/// Pages under these prefixes carry a one-time link's token and need no session either.
pub const PUBLIC_LINK_PREFIXES: &[&str] = &["/invite/", "/reset/", "/verify-email/", "/register/"];

pub fn is_public_page(path: &str) -> bool {
    PUBLIC_PAGES.contains(&path) || PUBLIC_LINK_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Pages sent without the WASM bundle: the two sign-in steps, which every visitor and every
/// app's sign-in redirect pass through first, so they load as a few KiB of HTML and CSS.
/// Their forms post straight to their server functions, which answer with a redirect: to the
/// next page, or back here with the error in the address, which the page shows.
pub const SCRIPT_FREE_PAGES: &[&str] = &["/login", "/login/code"];

/// Server functions that work before the owner exists (by endpoint name, under `/_fn/`).
pub const SETUP_CALLS: &[&str] = &["setup", "setup_state"];

/// Where someone signed in with a temporary password is held until they choose their own.
pub const PASSWORD_PAGE: &str = "/password";
/// Where a user without 2FA is held while it is mandatory.
pub const MFA_SETUP_PAGE: &str = "/two-factor";

/// The page a hold sends every page view to.
pub fn hold_page(hold: vocab::Hold) -> &'static str {
    match hold {
        vocab::Hold::PasswordChange => PASSWORD_PAGE,
        vocab::Hold::MfaSetup => MFA_SETUP_PAGE,
    }
}

/// Whether a held visitor may call the server function `name` (the step's page needs it).
pub fn hold_allows(hold: vocab::Hold, name: &str) -> bool {
    let allowed: &[&str] = match hold {
        vocab::Hold::PasswordChange => &["password_change", "logout", "me"],
        vocab::Hold::MfaSetup => &[
            "mfa_setup_begin",
            "mfa_setup_confirm",
            "mfa_status",
            "logout",
            "me",
        ],
    };
    allowed.contains(&name)
}

/// The code and sentence a held visitor's other calls are refused with.
pub fn hold_refusal(hold: vocab::Hold) -> (&'static str, &'static str) {
    match hold {
        vocab::Hold::PasswordChange => ("password_change_required", "Choose a new password first."),
        vocab::Hold::MfaSetup => (
            "mfa_setup_required",
            "Set up two-factor authentication first.",
        ),
    }
}

/// The HTML document around the app, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    let scripts = !SCRIPT_FREE_PAGES.contains(&request_path().as_str());
    let stylesheet = options.clone();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <HashedStylesheet options=stylesheet/>
                {scripts.then(|| view! { <HydrationScripts options/> })}
                <MetaTags/>
            </head>
            // Tests wait for `data-hydrated`, or for `data-scripts="off"` where none will come.
            <body data-scripts=if scripts { "on" } else { "off" } class="bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App/>
            </body>
        </html>
    }
}

/// The path of the page being rendered (the shell runs on the server only).
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        return parts.uri.path().to_string();
    }
    String::new()
}

/// Scripts run only with this response's nonce; styles come only from our stylesheet (no page
/// renders a `style` attribute or element, and the QR code is drawn with SVG attributes);
/// nothing may frame the pages.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, after hydration: the mark tells tests (and curious
    // people in devtools) that the page is now handled by the app.
    Effect::new(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|text: String| if text.is_empty() { "Gatehouse".to_string() } else { format!("{text} · Gatehouse") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async/>
                // Sent whole (no streaming): these pages have no script to fill in the rest.
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/login/code") view=LoginCodePage ssr=SsrMode::Async/>
                <Route path=path!("/two-factor") view=TwoFactorPage ssr=SsrMode::Async/>
                <Route path=path!("/password") view=ChangePasswordPage/>
                <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/register/:token") view=RegisterConfirmPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot") view=ForgotPage/>
                <Route path=path!("/invite/:token") view=InviteAcceptPage ssr=SsrMode::Async/>
                <Route path=path!("/reset/:token") view=ResetPage ssr=SsrMode::Async/>
                <Route path=path!("/verify-email/:token") view=VerifyEmailPage/>
                <ParentRoute path=path!("") view=Dashboard ssr=SsrMode::Async>
                    <Route path=path!("") view=OverviewPage/>
                    <Route path=path!("users") view=UsersPage/>
                    <Route path=path!("users/new") view=NewUserPage/>
                    <Route path=path!("users/:id") view=UserDetailPage/>
                    <Route path=path!("invites") view=InvitesPage/>
                    <Route path=path!("groups") view=GroupsPage/>
                    <Route path=path!("groups/new") view=NewGroupPage/>
                    <Route path=path!("groups/:id") view=GroupDetailPage/>
                    <Route path=path!("apps") view=AppsPage/>
                    <Route path=path!("activity") view=ActivityPage/>
                    <Route path=path!("settings") view=SettingsPage/>
                    <Route path=path!("settings/api") view=pages::api_reference::ApiReferencePage/>
                    <Route path=path!("profile") view=ProfilePage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The browser's entry point, called by the `frontend` crate.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}
