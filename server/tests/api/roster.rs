//! The roster (users held in memory) answers every users list exactly as the database does,
//! on both backends, and is dropped when another process changes the directory.

use super::*;
use directory::entities::users;
use directory::user_list::{ListQuery, SortKey};
use directory::users::{NewUser, Status};
use directory::{Actor, Directory, GroupId, Options, Role, SecretKey, SystemClock, User};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter};
use std::sync::Arc;
use std::time::Duration;

async fn open(app: &TestApp) -> Directory {
    Directory::open(Options {
        database_url: app.database_url.clone(),
        secret_key: SecretKey::generate(),
        clock: Arc::new(SystemClock),
        base_url: app.base_url.clone(),
    })
    .await
    .unwrap()
}

/// A handle that hears changes, so lists read its roster; waits until it does.
async fn listening(app: &TestApp) -> Directory {
    let dir = open(app).await;
    tokio::spawn(dir.clone().watch_changes());
    for _ in 0..100 {
        if dir.hears_changes() {
            return dir;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the handle never heard changes");
}

/// Users whose names, addresses, roles, statuses, groups and sign-in times differ in every
/// way the lists order and filter by (upper and lower case, `_` and `%`, missing times).
async fn seed(dir: &Directory, url: &str) -> Vec<GroupId> {
    let system = Actor::system();
    let mut groups = Vec::new();
    for name in ["crew", "empty"] {
        let group = directory::groups::NewGroup {
            name: name.into(),
            description: String::new(),
            gid_number: None,
            is_admin: false,
        };
        groups.push(dir.groups().create(&system, group).await.unwrap().id);
    }
    let names = [
        "Zoe", "adam", "Émile", "bo_b", "50%off", "carol", "Dave", "eve",
    ];
    for i in 0..60usize {
        let first = names[i % names.len()];
        let new = NewUser {
            username: format!("u{:02}{}", (i * 37) % 60, ["a", "b-c", "d.e", "F9"][i % 4]),
            email: format!(
                "{}{i}@{}.example.org",
                first.to_lowercase(),
                ["x", "Y"][i % 2]
            ),
            full_name: format!("{first} Person{}", i % 7),
            role: [Role::User, Role::Viewer, Role::Operator, Role::Admin][i % 4],
            status: [Status::Active, Status::Suspended, Status::Pending][i % 3],
            password: None,
            must_change_password: false,
        };
        let user = dir.users().create(&system, new).await.unwrap();
        if i % 3 == 0 {
            dir.groups()
                .add_member(&system, groups[0], user.id)
                .await
                .unwrap();
        }
    }
    // Sign-in times, some equal, some missing.
    let db = Database::connect(url).await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    for (prefix, minutes) in [("u0", 5), ("u1", 5), ("u3", 90)] {
        users::Entity::update_many()
            .col_expr(
                users::Column::LastLoginAt,
                Expr::value(now - time::Duration::minutes(minutes)),
            )
            .filter(users::Column::Username.starts_with(prefix))
            .exec(&db)
            .await
            .unwrap();
    }
    groups
}

fn names(users: &[User]) -> Vec<String> {
    users
        .iter()
        .map(|u| u.username.as_str().to_string())
        .collect()
}

/// Every combination of filter and order the UI offers.
fn queries(groups: &[GroupId]) -> Vec<ListQuery> {
    let mut all = Vec::new();
    let searches = [
        None,
        Some("A"),
        Some("_"),
        Some("%"),
        Some(" eve "),
        Some("y.example"),
    ];
    let statuses = [None, Some(Status::Active), Some(Status::Suspended)];
    let roles = [None, Some(Role::Operator)];
    let in_groups = [None, Some(groups[0]), Some(groups[1])];
    for search in searches {
        for status in statuses {
            for role in roles {
                for group in in_groups {
                    all.push(ListQuery {
                        search: search.map(str::to_string),
                        status,
                        role,
                        group,
                        ..ListQuery::default()
                    });
                }
            }
        }
    }
    all
}

#[tokio::test]
async fn the_roster_answers_every_list_as_the_database_does() {
    let app = TestApp::spawn().await;
    let cold = open(&app).await;
    let groups = seed(&cold, &app.database_url).await;
    let live = listening(&app).await;
    let system = Actor::system();
    let mut compared = 0;
    for query in queries(&groups) {
        for sort in SortKey::ALL {
            for descending in [false, true] {
                for (page, per_page) in [(0, 7), (2, 7), (0, 200)] {
                    let query = ListQuery {
                        sort,
                        descending,
                        page,
                        per_page,
                        ..query.clone()
                    };
                    assert!(live.load_roster().await.unwrap(), "the roster was not kept");
                    let from_roster = live.users().list(&system, query.clone()).await.unwrap();
                    let from_db = cold.users().list(&system, query.clone()).await.unwrap();
                    assert_eq!(from_roster.total, from_db.total, "{query:?}");
                    assert_eq!(
                        names(&from_roster.users),
                        names(&from_db.users),
                        "{query:?}"
                    );
                    compared += 1;
                }
            }
        }
        // The API's keyset pages, walked to the end with a small page.
        let mut after: Option<String> = None;
        loop {
            assert!(live.load_roster().await.unwrap());
            let (a, more_a) = live
                .users()
                .list_after(&system, &query, after.as_deref(), 4)
                .await
                .unwrap();
            let (b, more_b) = cold
                .users()
                .list_after(&system, &query, after.as_deref(), 4)
                .await
                .unwrap();
            assert_eq!(names(&a), names(&b), "{query:?} after {after:?}");
            assert_eq!(more_a, more_b, "{query:?} after {after:?}");
            compared += 1;
            if !more_a {
                break;
            }
            after = a.last().map(|u| u.username.as_str().to_string());
        }
    }
    assert!(compared > 3000, "{compared}");
}

#[tokio::test]
async fn a_change_from_another_process_reaches_the_roster() {
    let app = TestApp::spawn().await;
    let live = listening(&app).await;
    let other = open(&app).await;
    let system = Actor::system();
    let query = ListQuery {
        search: Some("latecomer".into()),
        ..ListQuery::default()
    };
    assert!(live.load_roster().await.unwrap());
    assert_eq!(
        live.users()
            .list(&system, query.clone())
            .await
            .unwrap()
            .total,
        0
    );
    let new = NewUser {
        username: "latecomer".into(),
        email: "latecomer@example.org".into(),
        full_name: "Late Comer".into(),
        role: Role::User,
        status: Status::Active,
        password: None,
        must_change_password: false,
    };
    // Made through a handle that does not share the live one's signal, as another
    // `gatehouse` process (or the command line) would.
    other.users().create(&system, new).await.unwrap();
    let mut seen = false;
    for _ in 0..60 {
        let page = live.users().list(&system, query.clone()).await.unwrap();
        if page.total == 1 {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        seen,
        "the new user never appeared in the live handle's list"
    );
}

#[tokio::test]
async fn a_sign_in_shows_in_the_list_at_once() {
    let app = TestApp::spawn().await;
    let live = listening(&app).await;
    let system = Actor::system();
    let password = "Harbour-Lantern-Quietly-2026";
    let new = NewUser {
        username: "signer".into(),
        email: "signer@example.org".into(),
        full_name: "Sign Er".into(),
        role: Role::User,
        status: Status::Active,
        password: Some(password.to_string().into()),
        must_change_password: false,
    };
    live.users().create(&system, new).await.unwrap();
    let query = ListQuery {
        search: Some("signer".into()),
        ..ListQuery::default()
    };
    assert!(live.load_roster().await.unwrap());
    let before = live.users().list(&system, query.clone()).await.unwrap();
    assert_eq!(before.users[0].last_login_at, None);
    let visitor = Actor::anonymous(Some("192.0.2.7".into()), None);
    live.auth()
        .login(&visitor, "signer", &password.to_string().into())
        .await
        .unwrap();
    // The sign-in's time is a quiet write: it clears no cache but this process's roster.
    let after = live.users().list(&system, query).await.unwrap();
    assert!(after.users[0].last_login_at.is_some());
}

/// On PostgreSQL (the test suite's run there): a database whose collation orders text by
/// language, not by bytes, keeps every list on the database, so a cursor means the same
/// whoever answers it.
#[tokio::test]
async fn a_database_that_orders_by_language_keeps_lists_on_the_database() {
    let Ok(admin_url) = std::env::var("GATEHOUSE_TEST_POSTGRES_URL") else {
        eprintln!("no GATEHOUSE_TEST_POSTGRES_URL: this test runs in the PostgreSQL suite");
        return;
    };
    let name = format!("gatehouse_icu_{}", unique_name());
    admin_sql(
        &admin_url,
        &format!(
            "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu \
             ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        ),
    )
    .await;
    let (prefix, _) = admin_url.rsplit_once('/').unwrap();
    let dir = Directory::open(Options {
        database_url: format!("{prefix}/{name}"),
        secret_key: SecretKey::generate(),
        clock: Arc::new(SystemClock),
        base_url: "http://127.0.0.1:3000".into(),
    })
    .await
    .unwrap();
    dir.migrate().await.unwrap();
    let watcher = tokio::spawn(dir.clone().watch_changes());
    while !dir.hears_changes() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let system = Actor::system();
    for username in ["ab", "a-c", "a.d", "zz"] {
        let new = NewUser {
            username: username.into(),
            email: format!("{username}@example.org"),
            full_name: username.to_uppercase(),
            role: Role::User,
            status: Status::Active,
            password: None,
            must_change_password: false,
        };
        dir.users().create(&system, new).await.unwrap();
    }
    assert!(!dir.load_roster().await.unwrap(), "the roster stood in");
    let mut walked = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (page, more) = dir
            .users()
            .list_after(&system, &ListQuery::default(), after.as_deref(), 1)
            .await
            .unwrap();
        walked.extend(names(&page));
        if !more {
            break;
        }
        after = walked.last().cloned();
    }
    walked.sort();
    assert_eq!(walked, ["a-c", "a.d", "ab", "zz"]);
    watcher.abort();
    dir.close().await.unwrap();
    admin_sql(&admin_url, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
}
