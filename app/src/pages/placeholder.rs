//! Apps: the section whose management is not built yet, said plainly.

use crate::components::widgets::{EmptyState, PageHeader};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AppsPage() -> impl IntoView {
    view! {
        <Title text="Apps"/>
        <PageHeader title="Apps" description="Applications that sign people in through Gatehouse with OpenID Connect."/>
        <EmptyState title="No apps yet".to_string()
            text="Registering OpenID Connect apps is not available in this version of Gatehouse yet.".to_string()/>
    }
}
