//! The REST door and the server functions give the same answers as the policy table: for
//! every write route in the OpenAPI document and every role, the REST answer (with the
//! role's API key) is the one the role's permissions call for and the one the matching
//! server function gives (with the role's session), and a refused write leaves its target
//! as it was.

use super::*;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::json;
use vocab::{Permission, Role};

/// How a write route is reached from the pages, and what it needs.
pub(crate) struct Case {
    pub(crate) method: &'static str,
    /// The documented path, with `{user}`, `{id}` placeholders.
    pub(crate) path: &'static str,
    /// The permission the policy table asks for; `None` for one's own things (self-service).
    pub(crate) permission: Option<Permission>,
    /// The target it acts on.
    pub(crate) target: Target,
    /// The server function and its form (`{id}` and `{user}` filled in).
    pub(crate) function: Option<(&'static str, &'static [(&'static str, &'static str)])>,
    pub(crate) body: Option<&'static str>,
    /// A key may never do this, whatever the role (impersonation: no way round 2FA).
    pub(crate) never_by_key: bool,
    /// The answer when allowed ("ok" for a 2xx; a target may make it a 409).
    pub(crate) granted: &'static str,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Target {
    None,
    User(&'static str),
    Group,
    GroupAndUser,
    Invite,
}

pub(crate) const fn case(
    method: &'static str,
    path: &'static str,
    permission: Option<Permission>,
    target: Target,
    function: Option<(&'static str, &'static [(&'static str, &'static str)])>,
    body: Option<&'static str>,
) -> Case {
    Case {
        method,
        path,
        permission,
        target,
        function,
        body,
        never_by_key: false,
        granted: "ok",
    }
}

pub(crate) fn cases() -> Vec<Case> {
    use Permission as P;
    use Target as T;
    let mut impersonate = case(
        "post",
        "/api/v1/users/{user}/impersonate",
        Some(P::UsersImpersonate),
        T::User("active"),
        Some(("user_impersonate", &[("id", "{user}")])),
        None,
    );
    impersonate.never_by_key = true;
    vec![
        case(
            "post",
            "/api/v1/users",
            Some(P::UsersCreate),
            T::None,
            Some((
                "user_create",
                &[
                    ("username", "{new}"),
                    ("email", "{new}@example.org"),
                    ("full_name", "New"),
                    ("role", "user"),
                    ("temporary_password", PASSWORD),
                ],
            )),
            Some(
                r#"{"username": "{new}", "email": "{new}@example.org", "password": "Correct-Horse-Battery-9"}"#,
            ),
        ),
        case(
            "patch",
            "/api/v1/users/{user}",
            Some(P::UsersUpdate),
            T::User("active"),
            Some((
                "user_update",
                &[
                    ("id", "{user}"),
                    ("email", "changed-{user}@example.org"),
                    ("fallback_email", ""),
                    ("first_name", "C"),
                    ("last_name", "D"),
                    ("display_name", "C D"),
                ],
            )),
            Some(
                r#"{"email": "changed-{user}@example.org", "first_name": "C", "last_name": "D", "display_name": "C D"}"#,
            ),
        ),
        case(
            "delete",
            "/api/v1/users/{user}",
            Some(P::UsersDelete),
            T::User("active"),
            Some(("user_delete", &[("id", "{user}")])),
            None,
        ),
        case(
            "put",
            "/api/v1/users/{user}/role",
            Some(P::UsersSetRole),
            T::User("active"),
            Some(("user_role", &[("id", "{user}"), ("role", "viewer")])),
            Some(r#"{"role": "viewer"}"#),
        ),
        case(
            "post",
            "/api/v1/users/{user}/suspend",
            Some(P::UsersSuspend),
            T::User("active"),
            Some(("user_suspend", &[("id", "{user}")])),
            None,
        ),
        case(
            "post",
            "/api/v1/users/{user}/reactivate",
            Some(P::UsersSuspend),
            T::User("suspended"),
            Some(("user_reactivate", &[("id", "{user}")])),
            None,
        ),
        case(
            "post",
            "/api/v1/users/{user}/approve",
            Some(P::UsersSuspend),
            T::User("pending"),
            Some(("user_approve", &[("id", "{user}")])),
            None,
        ),
        // A reset link signs in as the user: never from a key.
        Case {
            never_by_key: true,
            ..case(
                "post",
                "/api/v1/users/{user}/reset-link",
                Some(P::UsersUpdate),
                T::User("active"),
                Some(("user_reset_link", &[("id", "{user}")])),
                Some("{}"),
            )
        },
        impersonate,
        // The targets have no 2FA to turn off: allowed callers hear so (409), refused ones 403;
        // and a key may not turn off anyone's second factor.
        Case {
            granted: "409 conflict",
            never_by_key: true,
            ..case(
                "delete",
                "/api/v1/users/{user}/mfa",
                Some(P::UsersUpdate),
                T::User("active"),
                Some(("user_mfa_disable", &[("id", "{user}")])),
                None,
            )
        },
        case(
            "post",
            "/api/v1/groups",
            Some(P::GroupsWrite),
            T::None,
            Some((
                "group_create",
                &[("name", "{new}"), ("description", ""), ("gid_number", "")],
            )),
            Some(r#"{"name": "{new}"}"#),
        ),
        case(
            "patch",
            "/api/v1/groups/{id}",
            Some(P::GroupsWrite),
            T::Group,
            Some((
                "group_update",
                &[("id", "{id}"), ("name", "{new}"), ("description", "x")],
            )),
            Some(r#"{"name": "{new}", "description": "x"}"#),
        ),
        case(
            "delete",
            "/api/v1/groups/{id}",
            Some(P::GroupsWrite),
            T::Group,
            Some(("group_delete", &[("id", "{id}")])),
            None,
        ),
        case(
            "put",
            "/api/v1/groups/{id}/members/{user}",
            Some(P::GroupsWrite),
            T::GroupAndUser,
            Some(("group_member_add", &[("group", "{id}"), ("user", "{user}")])),
            None,
        ),
        case(
            "delete",
            "/api/v1/groups/{id}/members/{user}",
            Some(P::GroupsWrite),
            T::GroupAndUser,
            Some((
                "group_member_remove",
                &[("group", "{id}"), ("user", "{user}")],
            )),
            None,
        ),
        case(
            "post",
            "/api/v1/invites",
            Some(P::UsersCreate),
            T::None,
            Some((
                "invite_create",
                &[("email", "{new}@example.org"), ("role", "user")],
            )),
            Some(r#"{"email": "{new}@example.org"}"#),
        ),
        case(
            "delete",
            "/api/v1/invites/{id}",
            Some(P::UsersCreate),
            T::Invite,
            Some(("invite_revoke", &[("id", "{id}")])),
            None,
        ),
        case(
            "post",
            "/api/v1/invites/{id}/link",
            Some(P::UsersCreate),
            T::Invite,
            Some(("invite_reissue", &[("id", "{id}")])),
            Some("{}"),
        ),
        case(
            "put",
            "/api/v1/settings",
            Some(P::SettingsWrite),
            T::None,
            Some(("settings_update", &[])),
            Some(
                r#"{"lock_profiles": false, "registration": "off", "invite_expiry_hours": 48, "verify_email_changes": true, "password_min_length": 10, "password_history": 5, "password_max_age_days": 0, "mfa_required": false, "impersonation_minutes": 15, "mfa_failures_per_day": 20, "audit_retention_days": 365, "api_requests_per_minute": 6000}"#,
            ),
        ),
        // One's own things: no permission, covered by the API suite; listed so every write
        // route is accounted for.
        case("patch", "/api/v1/me", None, T::None, None, None),
        case("put", "/api/v1/me/password", None, T::None, None, None),
        case("post", "/api/v1/me/mfa/setup", None, T::None, None, None),
        case("post", "/api/v1/me/mfa/confirm", None, T::None, None, None),
        case(
            "post",
            "/api/v1/me/mfa/backup-codes",
            None,
            T::None,
            None,
            None,
        ),
        case("post", "/api/v1/me/mfa/disable", None, T::None, None, None),
        case("post", "/api/v1/api-keys", None, T::None, None, None),
        case("delete", "/api/v1/api-keys/{id}", None, T::None, None, None),
        case("delete", "/api/v1/sessions", None, T::None, None, None),
        case("delete", "/api/v1/sessions/{id}", None, T::None, None, None),
    ]
}

/// A signed-in browser and an API key per role.
struct Caller {
    role: Role,
    session: reqwest::Client,
    key: String,
}

async fn callers(app: &TestApp, ada: reqwest::Client) -> Vec<Caller> {
    let mut callers = Vec::new();
    for role in Role::ALL {
        let (session, name) = if role == Role::Owner {
            (ada.clone(), "ada".to_string())
        } else {
            let name = format!("as-{}", role.name().replace('_', "-"));
            cli_user(app, &name, role.name());
            (signed_in(app, &name).await, name)
        };
        let (exit, key, err) = app.cli(
            &["api-key", "create", "--username", &name, "--label", "table"],
            None,
        );
        assert_eq!(exit, 0, "{err}");
        callers.push(Caller {
            role,
            session,
            key: key.trim().to_string(),
        });
    }
    callers
}

/// Makes the target a case needs; returns (`{user}`, `{id}`) and the row to read back.
pub(crate) async fn make_target(
    app: &TestApp,
    db: &DatabaseConnection,
    owner_key: &str,
    target: Target,
) -> (String, String) {
    let user = match target {
        Target::User(status) => insert_user(db, app, status).await,
        Target::GroupAndUser => insert_user(db, app, "active").await,
        _ => String::new(),
    };
    let id = match target {
        Target::Group | Target::GroupAndUser => {
            let (status, group) = send(
                app,
                owner_key,
                "post",
                "/api/v1/groups",
                Some(json!({"name": fresh("g")})),
            )
            .await;
            assert_eq!(status, 201, "{group}");
            group["id"].as_str().unwrap().to_string()
        }
        Target::Invite => {
            let email = format!("{}@example.org", fresh("inv"));
            let (status, invite) = send(
                app,
                owner_key,
                "post",
                "/api/v1/invites",
                Some(json!({"email": email})),
            )
            .await;
            assert_eq!(status, 201, "{invite}");
            invite["invite"]["id"].as_str().unwrap().to_string()
        }
        _ => String::new(),
    };
    (user, id)
}

/// A user with `status` and no password, straight into the database; returns its id.
async fn insert_user(db: &DatabaseConnection, app: &TestApp, status: &str) -> String {
    use sea_orm::{ActiveValue, EntityTrait};
    let row = user_row(app, &fresh("t"), status, 300_000 + i64::from(serial()));
    let ActiveValue::Set(id) = row.id else {
        unreachable!("user_row sets the id")
    };
    directory::entities::users::Entity::insert(row)
        .exec(db)
        .await
        .unwrap();
    id.to_string()
}

/// Everything a write could have touched, as text: the target's rows and the table counts.
async fn snapshot(db: &DatabaseConnection, user: &str, id: &str) -> String {
    let mut out = String::new();
    let queries = [
        format!("SELECT * FROM users WHERE id = '{user}'"),
        format!("SELECT * FROM groups WHERE id = '{id}'"),
        format!("SELECT * FROM invites WHERE id = '{id}'"),
        "SELECT COUNT(*) AS n FROM users".to_string(),
        "SELECT COUNT(*) AS n FROM groups".to_string(),
        "SELECT COUNT(*) AS n FROM group_members".to_string(),
        "SELECT COUNT(*) AS n FROM invites".to_string(),
        "SELECT key, value FROM settings ORDER BY key".to_string(),
    ];
    let backend = db.get_database_backend();
    for sql in queries {
        // PostgreSQL compares a uuid column with text only by a cast.
        let sql = if backend == sea_orm::DbBackend::Postgres {
            sql.replace("id = '", "id::text = '")
        } else {
            sql
        };
        if sql.contains("= ''") || sql.contains("id::text = ''") {
            continue;
        }
        for row in db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
        {
            out.push_str(&format!("{row:?}\n"));
        }
    }
    out
}

pub(crate) fn fill(text: &str, user: &str, id: &str, new: &str) -> String {
    text.replace("{user}", user)
        .replace("{id}", id)
        .replace("{new}", new)
}

/// One call with a key, the method named as in the OpenAPI document.
pub(crate) async fn send(
    app: &TestApp,
    key: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let method = method.to_uppercase().parse().unwrap();
    with_key(app, key, method, path, body).await
}

/// 2xx as "ok", a refusal as its status and code.
fn answer(status: u16, body: &Value) -> String {
    if (200..300).contains(&status) {
        "ok".to_string()
    } else {
        format!("{status} {}", body["error"]["code"].as_str().unwrap_or("?"))
    }
}

#[tokio::test]
async fn every_write_route_answers_each_role_as_the_policy_table_and_the_pages_do() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let db = Database::connect(&app.database_url).await.unwrap();
    let callers = callers(&app, ada).await;
    let owner_key = callers[0].key.clone();
    let (_, doc) = send(&app, &owner_key, "get", "/api/v1/openapi.json", None).await;
    let cases = cases();
    // Every write route in the document has a row in the table, and no row is stale.
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                documented.push(format!("{method} {path}"));
            }
        }
    }
    let mut tabled: Vec<String> = cases
        .iter()
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    documented.sort();
    tabled.sort();
    assert_eq!(documented, tabled, "write routes and the table differ");

    let mut checked = 0;
    for case in cases.iter().filter(|c| c.permission.is_some()) {
        let permission = case.permission.unwrap();
        for caller in &callers {
            let may = caller.role.allows(permission) && !case.never_by_key;
            // Through REST, with the role's key.
            let (user, id) = make_target(&app, &db, &owner_key, case.target).await;
            let before = snapshot(&db, &user, &id).await;
            let new = fresh("n");
            let path = fill(case.path, &user, &id, "");
            let body = case
                .body
                .map(|b| serde_json::from_str(&fill(b, &user, &id, &new)).unwrap());
            let (status, reply) = send(&app, &caller.key, case.method, &path, body).await;
            let rest = answer(status, &reply);
            checked += 1;
            let expected = if may { case.granted } else { "403 forbidden" };
            assert_eq!(
                rest,
                expected,
                "{} {} as {}: {reply}",
                case.method,
                case.path,
                caller.role.name()
            );
            if rest != "ok" {
                assert_eq!(
                    snapshot(&db, &user, &id).await,
                    before,
                    "{} {} as {} changed something",
                    case.method,
                    case.path,
                    caller.role.name()
                );
            }
            // Through the pages' server function, with the role's session, on a fresh target.
            let Some((function, form)) = case.function else {
                continue;
            };
            let (user, id) = make_target(&app, &db, &owner_key, case.target).await;
            let before = snapshot(&db, &user, &id).await;
            let new = fresh("n");
            // The settings form is the suite's own, with one value changed.
            let settings = settings_form(&[("invite_expiry_hours", "48")]);
            let form = if function == "settings_update" {
                &settings[..]
            } else {
                form
            };
            let form: Vec<(String, String)> = form
                .iter()
                .map(|(k, v)| (k.to_string(), fill(v, &user, &id, &new)))
                .collect();
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let (status, reply) = call(&app, &caller.session, function, &form).await;
            let page = answer(status, &reply);
            let expected = if caller.role.allows(permission) {
                case.granted
            } else {
                "403 forbidden"
            };
            assert_eq!(
                page,
                expected,
                "{function} as {}: {reply}",
                caller.role.name()
            );
            if case.never_by_key {
                continue;
            }
            assert_eq!(
                page,
                rest,
                "{function} and {} {} disagree as {}",
                case.method,
                case.path,
                caller.role.name()
            );
            if page != "ok" {
                assert_eq!(snapshot(&db, &user, &id).await, before);
            }
        }
    }
    // Every permissioned route was tried as every role.
    assert_eq!(
        checked,
        cases.iter().filter(|c| c.permission.is_some()).count() * Role::ALL.len()
    );
    db.close().await.unwrap();
}
