//! The confirmation step before a destructive action, built on `<details>` so it opens and
//! closes without JavaScript.

use leptos::prelude::*;

/// A button that opens a dialog naming what is about to happen; the dialog holds the form
/// that does it. When `enabled` is false the button is shown disabled and nothing opens.
#[component]
pub fn ConfirmDialog(
    /// The text of the opening button, e.g. "Delete user".
    label: &'static str,
    /// The dialog's heading, naming the target: "Delete ada?".
    title: String,
    /// What will happen, in a sentence or two.
    text: String,
    enabled: bool,
    /// Red for actions that take something away; off for ones that give (approval).
    #[prop(default = true)]
    danger: bool,
    /// Centre the dialog on the screen instead of under the button: inside a scrolling
    /// table an anchored dialog would be clipped.
    #[prop(optional)]
    centered: bool,
    /// The form with the final button ("Delete ada").
    children: ChildrenFn,
) -> impl IntoView {
    let button = if danger {
        "inline-flex items-center justify-center rounded-md border border-red-300 bg-white px-3 py-2 \
        text-sm font-medium text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 \
        focus-visible:outline-red-500 disabled:cursor-not-allowed disabled:opacity-50 dark:border-red-800 \
        dark:bg-slate-900 dark:text-red-300 dark:hover:bg-red-950"
    } else {
        crate::components::form::PRIMARY_BUTTON_CLASS
    };
    if !enabled {
        return view! { <button type="button" class=button disabled=true>{label}</button> }
            .into_any();
    }
    let place = if centered {
        "fixed left-1/2 top-1/3 -translate-x-1/2"
    } else {
        "absolute right-0 mt-2"
    };
    // The title names the target, so several dialogs on one page (a list) get distinct ids.
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let title_id = format!("confirm-{slug}");
    let labelled_by = title_id.clone();
    view! {
        <details class="group relative">
            <summary class=format!("{button} cursor-pointer list-none")>{label}</summary>
            <div role="dialog" aria-modal="false" aria-labelledby=labelled_by
                class=format!("{place} z-30 w-80 max-w-[calc(100vw-2rem)] rounded-lg border border-slate-200 bg-white p-4 text-left shadow-xl dark:border-slate-700 dark:bg-slate-900")>
                <h2 id=title_id class="text-base font-semibold [overflow-wrap:anywhere]">{title}</h2>
                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{text}</p>
                <div class="mt-4">{children()}</div>
            </div>
        </details>
    }
    .into_any()
}
