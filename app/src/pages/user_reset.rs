//! The user page's "password reset link" section: a link to hand over, optionally mailed.

use crate::api::recovery::UserResetLink;
use crate::components::copy::CopyLink;
use crate::components::form::{FormAlert, SECONDARY_BUTTON_CLASS, action_error};
use crate::components::widgets::Section;
use leptos::prelude::*;

#[component]
pub fn ResetLinkSection(id: String, username: String) -> impl IntoView {
    let action = ServerAction::<UserResetLink>::new();
    let error = action_error(action);
    let made = move || action.value().get().and_then(Result::ok);
    view! {
        <Section title="Password reset">
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">
                {format!("Make a link with which {username} chooses a new password. It works once, for 24 hours, and signs them out everywhere. Two-factor sign-in stays on.")}
            </p>
            <ActionForm action=action attr:class="space-y-3" attr:aria-label="Password reset link">
                <FormAlert error/>
                <input type="hidden" name="id" value=id/>
                <label for="field-reset-send" class="flex items-center gap-2 text-sm">
                    <input id="field-reset-send" type="checkbox" name="send" class="h-4 w-4 rounded border-slate-300"/>
                    "Also email it to them"
                </label>
                <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || action.pending().get()>"Create reset link"</button>
            </ActionForm>
            {move || made().map(|link| view! {
                <div role="status" class="mt-3 space-y-2">
                    <CopyLink link=link.link label="Reset link"/>
                    <p class="text-xs text-slate-500 dark:text-slate-400">
                        {match link.mailed_to {
                            Some(to) => format!("Mailed to {to}. Expires {}.", link.expires),
                            None => format!("Expires {}. Earlier reset links stop working.", link.expires),
                        }}
                    </p>
                </div>
            })}
        </Section>
    }
}
