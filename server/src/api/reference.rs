//! The OpenAPI document flattened for the API reference page (Settings → API), so the page
//! shows exactly what the router serves, rendered on our side with no CDN.

use app::api::reference::{ApiReference, Operation, Param};
use serde_json::Value;

/// Builds the page's data from the generated document.
pub fn reference() -> ApiReference {
    let doc = serde_json::to_value(super::document()).unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut operations = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                let op = &item[method];
                if op.is_null() {
                    continue;
                }
                operations.push(operation(&doc, path, method, op));
            }
        }
    }
    operations.sort_by(|a, b| (&a.tag, &a.path, &a.method).cmp(&(&b.tag, &b.path, &b.method)));
    ApiReference {
        title: text(&doc["info"]["title"]),
        description: text(&doc["info"]["description"]),
        operations,
    }
}

fn operation(doc: &Value, path: &str, method: &str, op: &Value) -> Operation {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let params = op["parameters"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|p| Param {
                    name: text(&p["name"]),
                    kind: text(&p["in"]),
                    required: p["required"].as_bool().unwrap_or(false),
                    description: text(&p["description"]),
                })
                .collect()
        })
        .unwrap_or_default();
    let body_schema = resolve(
        doc,
        &op["requestBody"]["content"]["application/json"]["schema"],
    );
    let required: Vec<&str> = body_schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let body = body_schema["properties"]
        .as_object()
        .map(|props| {
            props
                .iter()
                .map(|(name, schema)| Param {
                    name: name.clone(),
                    kind: type_name(schema),
                    required: required.contains(&name.as_str()),
                    description: text(&schema["description"]),
                })
                .collect()
        })
        .unwrap_or_default();
    let responses = op["responses"]
        .as_object()
        .map(|r| {
            r.iter()
                .map(|(status, resp)| (status.clone(), text(&resp["description"])))
                .collect()
        })
        .unwrap_or_default();
    let key_allowed = op["security"].as_array().is_none_or(|list| {
        list.iter()
            .any(|s| s.get("api_key").is_some() || s.as_object().is_some_and(|o| o.is_empty()))
    });
    Operation {
        method: method.to_uppercase(),
        path: path.to_string(),
        tag: op["tags"][0].as_str().unwrap_or("other").to_string(),
        summary: text(&op["summary"]),
        description: text(&op["description"]),
        params,
        body,
        responses,
        key_allowed,
    }
}

/// Follows a `$ref` into the components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    }
}

fn type_name(schema: &Value) -> String {
    match &schema["type"] {
        Value::String(t) => t.clone(),
        // utoipa writes an optional field as ["string", "null"].
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "object".to_string(),
    }
}
