//! A link shown once, in a read-only field with a copy button.

use leptos::prelude::*;

#[component]
pub fn CopyLink(
    #[prop(into)] link: String,
    /// Names the field for screen readers ("Invite link").
    label: &'static str,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = link.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&text);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    // Several links can share a page (the outbox): the link's tail keeps the ids apart.
    let tail: String = link
        .chars()
        .rev()
        .take(12)
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let id = format!("copy-{}-{tail}", label.to_lowercase().replace(' ', "-"));
    view! {
        <div class="space-y-1">
            <label for=id.clone() class="block text-sm font-medium text-slate-700 dark:text-slate-300">{label}</label>
            <div class="flex gap-2">
                <input id=id readonly value=link class=crate::components::form::INPUT_CLASS
                    on:focus=|ev| {
                        use leptos::wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }/>
                <button type="button" class=crate::components::form::SECONDARY_BUTTON_CLASS on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
        </div>
    }
}
