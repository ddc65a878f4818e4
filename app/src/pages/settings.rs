//! `/settings`: instance-wide settings.

use crate::api::account::{UpdateSettings, get_settings};
use crate::components::form::{FormAlert, PRIMARY_BUTTON_CLASS, action_error};
use crate::components::widgets::{PageHeader, Section};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let action = ServerAction::<UpdateSettings>::new();
    let error = action_error(action);
    let saved = move || action.value().get().is_some_and(|r| r.is_ok());
    let settings = Resource::new(move || action.version().get(), |_| get_settings());
    view! {
        <Title text="Settings"/>
        <PageHeader title="Settings" description="Instance-wide settings for everyone on this server."/>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! {
                        <div class="max-w-2xl">
                            <Section title="Profiles">
                                <ActionForm action=action attr:class="space-y-4" attr:aria-label="Profile settings">
                                    <FormAlert error/>
                                    <div class="flex items-start gap-2">
                                        <input id="field-lock_profiles" type="checkbox" name="lock_profiles" checked=s.lock_profiles
                                            disabled=!s.writable class="mt-0.5 h-4 w-4 rounded border-slate-300" aria-describedby="field-lock_profiles-help"/>
                                        <div>
                                            <label for="field-lock_profiles" class="text-sm font-medium">"Lock profiles"</label>
                                            <p id="field-lock_profiles-help" class="text-xs text-slate-500 dark:text-slate-400">
                                                "People cannot change their own names and email; administrators still can."
                                            </p>
                                        </div>
                                    </div>
                                    <div class="flex items-center gap-3">
                                        <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=!s.writable>"Save settings"</button>
                                        <p role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{move || saved().then_some("Saved.")}</p>
                                    </div>
                                </ActionForm>
                            </Section>
                        </div>
                    }.into_any(),
                    Err(err) => view! { <crate::components::widgets::LoadError message=err.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
