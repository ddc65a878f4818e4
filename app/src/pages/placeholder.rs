//! Groups, Apps and Settings: sections whose management is not built yet, said plainly.

use crate::components::widgets::{EmptyState, PageHeader};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn GroupsPage() -> impl IntoView {
    view! {
        <Title text="Groups"/>
        <PageHeader title="Groups" description="Groups collect people so apps and LDAP clients can grant access to many at once."/>
        <EmptyState title="No groups yet".to_string()
            text="Group management is not available in this version of Gatehouse yet.".to_string()/>
    }
}

#[component]
pub fn AppsPage() -> impl IntoView {
    view! {
        <Title text="Apps"/>
        <PageHeader title="Apps" description="Applications that sign people in through Gatehouse with OpenID Connect."/>
        <EmptyState title="No apps yet".to_string()
            text="Registering OpenID Connect apps is not available in this version of Gatehouse yet.".to_string()/>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Title text="Settings"/>
        <PageHeader title="Settings" description="Instance-wide settings: sign-in rules, email and the LDAP directory."/>
        <EmptyState title="Nothing to configure here yet".to_string()
            text="Gatehouse is configured through its environment variables for now; see the README.".to_string()/>
    }
}
