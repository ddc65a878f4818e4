//! Backup codes shown once, with buttons to copy them all or save them as a text file.

use leptos::prelude::*;

#[component]
pub fn BackupCodes(codes: Vec<String>, username: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = format!(
        "Gatehouse backup codes for {username}\nEach code works once.\n\n{}\n",
        codes.join("\n")
    );
    let download = format!(
        "data:text/plain;charset=utf-8,{}",
        crate::url::encode(&text)
    );
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().navigator().clipboard().write_text(&text);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <div class="space-y-3" role="region" aria-label="Backup codes">
            <p class="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                "Save these codes somewhere safe now: they are shown only once. Each one signs you in once if your authenticator is out of reach."
            </p>
            <ol class="grid grid-cols-2 gap-2 font-mono text-sm" aria-label="Your backup codes">
                {codes.into_iter().map(|code| view! {
                    <li class="rounded-md bg-slate-100 px-3 py-2 text-center tracking-wider dark:bg-slate-800">{code}</li>
                }).collect_view()}
            </ol>
            <div class="flex flex-wrap gap-2">
                <button type="button" class=crate::components::form::SECONDARY_BUTTON_CLASS on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy codes" }}
                </button>
                <a href=download download="gatehouse-backup-codes.txt" class=crate::components::form::SECONDARY_BUTTON_CLASS>
                    "Download codes"
                </a>
            </div>
        </div>
    }
}
