//! The page for any address we do not have (status 404).

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <main class="flex min-h-screen flex-col items-center justify-center px-4 text-center">
            <p class="text-sm font-semibold text-indigo-600 dark:text-indigo-400">"404"</p>
            <h1 class="mt-2 text-2xl font-semibold tracking-tight">"Page not found"</h1>
            <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">"There is nothing at this address."</p>
            <a href="/" class="mt-6 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500">
                "Go to the dashboard"
            </a>
        </main>
    }
}
