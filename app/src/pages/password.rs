//! `/password`: where someone signed in with a temporary password must choose their own.

use crate::api::Logout;
use crate::pages::AuthCard;
use crate::pages::profile::PasswordForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let me = Resource::new_blocking(|| (), |_| crate::api::current_user());
    view! {
        <Title text="Choose a new password"/>
        <AuthCard title="Choose your password" subtitle="You signed in with a temporary password. Pick your own to continue.">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let min = me.await.ok().flatten().map_or(crate::rules::PASSWORD_MIN as u32, |m| m.password_min);
                    view! { <PasswordForm min next="/" bare=true/> }
                })}
            </Suspense>
            <ActionForm action=logout attr:class="mt-4 text-center">
                <button type="submit" class="text-sm text-slate-600 underline hover:text-slate-900 dark:text-slate-400">"Sign out instead"</button>
            </ActionForm>
        </AuthCard>
    }
}
