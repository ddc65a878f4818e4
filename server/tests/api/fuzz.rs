//! Random JSON bodies to every write route: never a 5xx, always the error shape, and the
//! hash chain still verifies afterwards (nothing half-written).

use super::table::{Target, cases, fill, make_target, send};
use super::*;
use proptest::prelude::*;
use sea_orm::Database;
use serde_json::json;

/// A random JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        prop::sample::select(vec![
            "",
            "admin",
            "owner",
            "x@example.org",
            "Correct-Horse-Battery-9",
            "00000000-0000-0000-0000-000000000000"
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "username",
                    "email",
                    "password",
                    "role",
                    "name",
                    "label",
                    "description",
                    "gid_number",
                    "is_admin",
                    "expires_days",
                    "read_only",
                    "send",
                    "groups",
                    "full_name",
                    "pending",
                    "registration",
                    "first_name"
                ]),
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_bodies_never_break_a_write_route() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let db = Database::connect(&app.database_url).await.unwrap();
    let (exit, key, err) = app.cli(
        &["api-key", "create", "--username", "ada", "--label", "fuzz"],
        None,
    );
    assert_eq!(exit, 0, "{err}");
    let key = key.trim().to_string();
    drop(ada);
    let (user, id) = make_target(&app, &db, &key, Target::GroupAndUser).await;
    let routes: Vec<(String, String)> = cases()
        .iter()
        .filter(|c| c.body.is_some() || matches!(c.method, "post" | "put" | "patch"))
        .map(|c| (c.method.to_string(), fill(c.path, &user, &id, "")))
        .collect();
    let runtime = tokio::runtime::Handle::current();
    let config = ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = tokio::task::block_in_place(|| {
        runner.run(
            &(prop::sample::select(routes), json_value()),
            |((method, path), body)| {
                let (status, reply) =
                    runtime.block_on(send(&app, &key, &method, &path, Some(body.clone())));
                prop_assert!(
                    status < 500,
                    "{method} {path} with {body}: {status} {reply}"
                );
                if !(200..300).contains(&status) {
                    prop_assert!(
                        reply["error"]["code"].is_string(),
                        "{method} {path}: {reply}"
                    );
                }
                Ok(())
            },
        )
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    // Nothing half-written: the chain still verifies, so every change came with its row.
    let (exit, out, err) = app.cli(&["audit", "verify"], None);
    assert_eq!(exit, 0, "{out}{err}");
    db.close().await.unwrap();
}
