//! The REST API's reference for the Settings → API page: the OpenAPI document the server
//! generates from its handlers, flattened to what the page shows.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiReference {
    pub title: String,
    pub description: String,
    pub operations: Vec<Operation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub tag: String,
    pub summary: String,
    pub description: String,
    /// Path and query parameters.
    pub params: Vec<Param>,
    /// The JSON body's fields, when there is one.
    pub body: Vec<Param>,
    /// `(status, description)`.
    pub responses: Vec<(String, String)>,
    /// Whether an API key may call it (or only a signed-in browser).
    pub key_allowed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    /// `path`, `query`, or the JSON type for body fields.
    pub kind: String,
    pub required: bool,
    pub description: String,
}

#[server(endpoint = "api_reference")]
pub async fn load_api_reference() -> Result<ApiReference, AppError> {
    crate::ssr::signed_in()?;
    Ok(use_context::<ApiReference>().unwrap_or_default())
}
