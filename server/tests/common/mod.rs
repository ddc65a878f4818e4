//! The one test harness: runs the `gatehouse` server in this process on an ephemeral port
//! with a fresh database (SQLite, or PostgreSQL when `GATEHOUSE_TEST_BACKEND=postgres`) and a
//! clock the test moves, and talks to it over HTTP like a browser would. The command line
//! still runs as the real binary (on the real clock).

#![allow(dead_code)]

pub mod mfa;
mod server;
pub mod smtp;
pub mod twin;

use directory::{Clock, FixedClock};
use gatehouse::config::Config;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use time::OffsetDateTime;

pub const PASSWORD: &str = "Correct-Horse-Battery-9";

static NEXT: AtomicU32 = AtomicU32::new(0);

/// Which database this run of the suite uses.
#[derive(Clone, Debug)]
enum Backend {
    Sqlite,
    Postgres { admin_url: String, database: String },
}

pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub data_dir: PathBuf,
    pub database_url: String,
    backend: Backend,
    /// Variables this test adds to the server's configuration (an SMTP server, say).
    extra_env: Vec<(String, String)>,
    /// The server's only source of "now"; it stands still until the test moves it.
    clock: FixedClock,
    server: Option<server::Server>,
    _tmp: TempDir,
}

/// A temporary folder removed on drop.
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    /// Starts a server on a new, empty database.
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// Starts a server on a new, empty database with extra configuration, given as the
    /// environment variables the binary reads (`GATEHOUSE_SMTP_URL`, say).
    pub async fn spawn_with(env: &[(&str, &str)]) -> Self {
        let tmp = TempDir(std::env::temp_dir().join(format!("gatehouse-test-{}", unique_name())));
        std::fs::create_dir_all(&tmp.0).unwrap();
        let backend = match std::env::var("GATEHOUSE_TEST_BACKEND").as_deref() {
            Ok("postgres") => {
                let admin_url = std::env::var("GATEHOUSE_TEST_POSTGRES_URL")
                    .expect("GATEHOUSE_TEST_BACKEND=postgres needs GATEHOUSE_TEST_POSTGRES_URL");
                let database = format!("gatehouse_test_{}", unique_name());
                admin_sql(&admin_url, &format!("CREATE DATABASE {database}")).await;
                Backend::Postgres {
                    admin_url,
                    database,
                }
            }
            _ => Backend::Sqlite,
        };
        let database_url = match &backend {
            Backend::Sqlite => format!("sqlite://{}/gatehouse.db?mode=rwc", tmp.0.display()),
            Backend::Postgres {
                admin_url,
                database,
            } => {
                let (prefix, _) = admin_url
                    .rsplit_once('/')
                    .expect("database URL with a path");
                format!("{prefix}/{database}")
            }
        };
        let mut app = Self {
            base_url: String::new(),
            client: client(),
            data_dir: tmp.0.join("data"),
            database_url,
            backend,
            extra_env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            // Today, so cookies and anything dated by the wall clock agree with the server.
            clock: FixedClock::new(OffsetDateTime::now_utc()),
            server: None,
            _tmp: tmp,
        };
        app.start();
        app
    }

    /// The variables every run gets: this test's database and data dir only, then its own.
    fn vars(&self) -> Vec<(String, String)> {
        let data_dir = self.data_dir.to_string_lossy();
        let mut vars: Vec<(String, String)> = [
            ("GATEHOUSE_DATABASE_URL", self.database_url.as_str()),
            ("GATEHOUSE_DATA_DIR", data_dir.as_ref()),
            ("GATEHOUSE_HTTP_ADDR", "127.0.0.1:0"),
            ("GATEHOUSE_LDAP_ADDR", ""),
            ("GATEHOUSE_LDAPS_ADDR", ""),
            ("RUST_LOG", "info"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        vars.extend(self.extra_env.iter().cloned());
        vars
    }

    /// The server's configuration, read from [`TestApp::vars`] as the binary reads its
    /// environment.
    fn config(&self) -> Config {
        let env: HashMap<String, String> = self.vars().into_iter().collect();
        Config::from_sources(&env, &HashMap::new())
            .unwrap_or_else(|e| panic!("bad test configuration: {}: {}", e.name, e.message))
    }

    /// A run of the real binary against this test's database, with the real clock.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default());
        for (key, value) in self.vars() {
            cmd.env(key, value);
        }
        cmd
    }

    fn start(&mut self) {
        let server = server::Server::start(self.config(), self.clock.clone());
        self.base_url = format!("http://{}", server.addr);
        self.server = Some(server);
    }

    /// Stops the server gracefully (as on SIGTERM) and waits for it to finish.
    pub fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            server.stop(Duration::from_secs(20));
        }
    }

    /// Stops and starts the server on the same database, data dir and clock (the port
    /// changes).
    pub fn restart(&mut self) {
        self.stop();
        self.start();
    }

    /// The clock the server reads; it moves only when the test moves it.
    pub fn clock(&self) -> &FixedClock {
        &self.clock
    }

    /// What the server takes for now.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// Moves the server's clock forward (or back, for a negative duration).
    pub fn advance(&self, by: time::Duration) {
        self.clock.advance(by);
    }

    /// Sets the server's clock.
    pub fn set_time(&self, at: OffsetDateTime) {
        self.clock.set(at);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Calls a server function the way the hydrated page does (form-encoded, JSON back).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/_fn/{endpoint}")))
            .header("origin", &self.base_url)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Creates the owner `ada` through the setup form; `client` ends up signed in.
    pub async fn setup_owner(&self, client: &reqwest::Client) {
        let res = self
            .call(
                client,
                "setup",
                &[
                    ("username", "Ada"),
                    ("email", "ada@example.org"),
                    ("full_name", "Ada Lovelace"),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            200,
            "setup failed: {}",
            res.text().await.unwrap_or_default()
        );
    }

    pub async fn login(
        &self,
        client: &reqwest::Client,
        login: &str,
        password: &str,
    ) -> reqwest::Response {
        self.call(client, "login", &[("login", login), ("password", password)])
            .await
    }

    /// Runs the binary with arguments against this test's database; returns (code, stdout, stderr).
    /// Afterwards the server's clock is at least the wall clock (see below).
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
        use std::io::Write;
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run gatehouse");
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
        drop(input);
        let out = child.wait_with_output().unwrap();
        self.catch_up_with_the_wall_clock();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The binary dates what it writes by the wall clock, which runs on while the server's
    /// stands still: bring the server's clock up to the wall clock (never back), so nothing
    /// the server writes next is older than what the command wrote.
    fn catch_up_with_the_wall_clock(&self) {
        let wall = OffsetDateTime::now_utc();
        if wall > self.now() {
            self.set_time(wall);
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop the server before its database goes.
        drop(self.server.take());
        if let Backend::Postgres {
            admin_url,
            database,
        } = self.backend.clone()
        {
            // Drop runs inside the test's runtime, so clean up from a thread with its own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(admin_sql(
                    &admin_url,
                    &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
                ));
            })
            .join();
        }
    }
}

pub async fn admin_sql(admin_url: &str, sql: &str) {
    use sea_orm::ConnectionTrait;
    let db = sea_orm::Database::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = db.close().await;
}

/// The last path segment of a link (the token of an invite or reset link).
pub fn link_token(link: &Value) -> String {
    link.as_str()
        .and_then(|l| l.rsplit('/').next())
        .unwrap_or_default()
        .to_string()
}

/// The JSON error body of a failed server function call.
pub async fn error_of(res: reqwest::Response) -> (u16, serde_json::Value) {
    let status = res.status().as_u16();
    let body: serde_json::Value = res.json().await.unwrap_or(serde_json::Value::Null);
    (status, body)
}

pub fn html_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("accept", HeaderValue::from_static("text/html"));
    headers
}

// Directory helpers shared by the suites below.

/// Creates a user from the command line (active, with `PASSWORD`); returns their id.
pub fn cli_user(app: &TestApp, username: &str, role: &str) -> String {
    let email = format!("{username}@example.org");
    let (code, out, err) = app.cli(
        &[
            "user",
            "create",
            "--username",
            username,
            "--email",
            &email,
            "--full-name",
            username,
            "--role",
            role,
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    assert_eq!(code, 0, "user create {username}: {err}");
    out.trim().to_string()
}

/// A fresh client signed in as `login`.
pub async fn signed_in(app: &TestApp, login: &str) -> reqwest::Client {
    let c = client();
    let res = app.login(&c, login, PASSWORD).await;
    assert_eq!(res.status(), 200, "sign in as {login}");
    c
}

/// Calls a server function and returns (status, JSON body).
pub async fn call(
    app: &TestApp,
    c: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    error_of(app.call(c, endpoint, form).await).await
}

pub async fn get_user(app: &TestApp, c: &reqwest::Client, id: &str) -> Value {
    let (status, body) = call(app, c, "user", &[("id", id)]).await;
    assert_eq!(status, 200, "{body}");
    body
}

pub async fn users_total(app: &TestApp, c: &reqwest::Client) -> u64 {
    let (status, body) = call(app, c, "users", &[]).await;
    assert_eq!(status, 200, "{body}");
    body["total"].as_u64().unwrap()
}

pub async fn owner(app: &TestApp) -> reqwest::Client {
    let c = client();
    app.setup_owner(&c).await;
    c
}

/// The names in a user's or profile's `groups` list, in order.
pub fn group_names(detail: &Value) -> Vec<String> {
    detail["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_string())
        .collect()
}

pub async fn groups_id(app: &TestApp, c: &reqwest::Client, name: &str) -> String {
    let (_, groups) = call(app, c, "groups", &[]).await;
    groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A server whose mail goes to a fresh SMTP sink, with the owner `ada` signed in.
pub async fn with_mail() -> (TestApp, smtp::SmtpSink, reqwest::Client) {
    let sink = smtp::SmtpSink::start();
    let app = TestApp::spawn_with(&[("GATEHOUSE_SMTP_URL", &sink.url())]).await;
    let c = owner(&app).await;
    (app, sink, c)
}

/// The settings form with these values changed from the defaults (an empty value leaves the
/// field out, as an unticked checkbox is).
pub fn settings_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form: Vec<(&str, &str)> = vec![
        ("registration", "off"),
        ("invite_expiry_hours", "72"),
        ("min_length", "10"),
        ("history", "5"),
        ("max_age_days", "0"),
        ("verify_email_changes", "on"),
        ("impersonation_minutes", "15"),
        ("mfa_failures_per_day", "20"),
        ("audit_retention_days", "365"),
        ("api_requests_per_minute", "6000"),
    ];
    for (key, value) in changes {
        form.retain(|(k, _)| k != key);
        if !value.is_empty() {
            form.push((key, value));
        }
    }
    form
}

/// Saves the settings form with these values changed from the defaults.
pub async fn set_settings(app: &TestApp, c: &reqwest::Client, changes: &[(&str, &str)]) {
    let (status, body) = call(app, c, "settings_update", &settings_form(changes)).await;
    assert_eq!(status, 200, "{body}");
}

/// Posts a multipart form to the avatar route, as the profile page does.
pub async fn post_avatar(
    app: &TestApp,
    c: &reqwest::Client,
    form: reqwest::multipart::Form,
) -> reqwest::Response {
    c.post(app.url("/_fn/profile/avatar"))
        .header("origin", &app.base_url)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// A valid 2×1 PNG, made by hand so the tests need no image library.
pub fn tiny_png() -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==")
        .unwrap()
}
