//! Form parts: labelled fields, the alert region and submit buttons.

use crate::error::AppError;
use leptos::prelude::*;

pub const INPUT_CLASS: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 \
    text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-indigo-500 \
    focus:outline-2 focus:outline-offset-0 focus:outline-indigo-500 aria-[invalid=true]:border-red-500 \
    dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";

pub const BUTTON_CLASS: &str = "inline-flex w-full items-center justify-center rounded-md \
    bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 \
    focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 \
    disabled:cursor-not-allowed disabled:opacity-60";

/// A bordered button for secondary actions ("Apply", "Cancel", "Remove").
pub const SECONDARY_BUTTON_CLASS: &str = "inline-flex items-center justify-center whitespace-nowrap rounded-md border \
    border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100 \
    focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 \
    disabled:cursor-not-allowed disabled:opacity-50 dark:border-slate-700 dark:bg-slate-900 \
    dark:text-slate-200 dark:hover:bg-slate-800";

/// A primary button sized to its text, for forms inside a page section.
pub const PRIMARY_BUTTON_CLASS: &str = "inline-flex items-center justify-center rounded-md \
    bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 \
    focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 \
    disabled:cursor-not-allowed disabled:opacity-50";

/// For actions that lose access or data (suspend, delete).
pub const DANGER_BUTTON_CLASS: &str = "inline-flex items-center justify-center rounded-md \
    bg-red-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-red-500 \
    focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-500 \
    disabled:cursor-not-allowed disabled:opacity-50";

/// A labelled input whose server error (for this field) and live hint show beneath it.
#[component]
pub fn Field(
    /// The form field name, also used for the element id.
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    /// The last server error; shown here when it names this field.
    #[prop(into)]
    error: Signal<Option<AppError>>,
    /// A live hint computed in the browser (for example the username rules).
    #[prop(optional, into)]
    hint: Option<Signal<Option<String>>>,
    #[prop(optional, into)] value: Option<Signal<String>>,
    /// The value the field starts with (rendered as the `value` attribute, so it is there
    /// before hydration too).
    #[prop(optional, into)]
    initial: Option<String>,
    #[prop(optional)] disabled: bool,
    #[prop(optional)] on_input: Option<Callback<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let message_id = format!("{id}-message");
    let server_message = move || error.get().filter(|e| e.is_about(name)).map(|e| e.message);
    let message = move || server_message().or_else(|| hint.and_then(|h| h.get()));
    let invalid = move || server_message().is_some();
    // The DOM property must never be left to `None`: a field rendered in the browser (the
    // form shown again after a failed save) would read "undefined".
    let starting = initial.clone().unwrap_or_default();
    let current = move || value.map_or_else(|| starting.clone(), |v| v.get());
    view! {
        <div class="space-y-1">
            <label for=id.clone() class="block text-sm font-medium text-slate-700 dark:text-slate-300">
                {label}
            </label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                disabled=disabled
                value=initial
                class=INPUT_CLASS
                aria-invalid=move || invalid().to_string()
                aria-describedby=message_id.clone()
                prop:value=current
                on:input=move |ev| {
                    if let Some(callback) = on_input {
                        callback.run(event_target_value(&ev));
                    }
                }
            />
            <p
                id=message_id
                aria-live="polite"
                class="min-h-5 text-xs"
                class=("text-red-600", invalid)
                class=("dark:text-red-400", invalid)
                class=("text-slate-500", move || !invalid())
                class=("dark:text-slate-400", move || !invalid())
            >
                {message}
            </p>
        </div>
    }
}

/// The region a screen reader announces when a form fails as a whole.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <div role="alert" class="empty:hidden">
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                                {e.message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// The last error of a server action, as a signal the form parts read. An error there before
/// this page sent anything came in the address ([`AppError::from_address`]).
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        let error = action.value().get().and_then(|result| result.err())?;
        Some(if action.version().get() == 0 {
            error.from_address()
        } else {
            error
        })
    })
}

/// The role picker: the roles the viewer may hand out, `user` first chosen; fixed to `user`
/// with `note` when that is all the viewer may give.
#[component]
pub fn RoleSelect(note: &'static str) -> impl IntoView {
    let roles = Resource::new(|| (), |_| crate::api::users::assignable_roles());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let roles = roles.await.unwrap_or_default();
                let fixed = roles.len() <= 1;
                let options = roles.into_iter().map(|r| {
                    let selected = r == "user";
                    view! { <option value=r.clone() selected=selected>{r.replace('_', " ")}</option> }
                }).collect_view();
                view! {
                    <div class="space-y-1">
                        <label for="field-role" class="block text-sm font-medium text-slate-700 dark:text-slate-300">"Role"</label>
                        <select id="field-role" name="role" class=INPUT_CLASS disabled=fixed aria-describedby="field-role-message">{options}</select>
                        {fixed.then(|| view! {
                            <input type="hidden" name="role" value="user"/>
                            <p id="field-role-message" class="text-xs text-slate-500 dark:text-slate-400">{note}</p>
                        })}
                    </div>
                }
            })}
        </Suspense>
    }
}

/// A labelled select whose first option means "any".
#[component]
pub fn FilterSelect(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    selected: Signal<String>,
) -> impl IntoView {
    let id = format!("filter-{name}");
    let items = options
        .into_iter()
        .map(|(value, text)| {
            let is = value.clone();
            view! { <option value=value selected=move || selected.get() == is>{text}</option> }
        })
        .collect_view();
    view! {
        <div>
            <label for=id.clone() class="block text-xs font-medium text-slate-600 dark:text-slate-400">{label}</label>
            <select id=id name=name class=format!("{INPUT_CLASS} min-w-32")>
                <option value="">"Any"</option>
                {items}
            </select>
        </div>
    }
}
