//! What both benches share: a seeded directory, the release server on loopback, the machine.

#![allow(dead_code)]

use directory::users::{NewUser, Status};
use directory::{Actor, Directory, Options, Role, SecretKey, SystemClock};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

/// Whatever stops the run: it is printed and the bench exits non-zero.
pub type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

pub const USERS: usize = 10_000;
pub const PASSWORD: &str = "Bench-Harbour-Lantern-2026";

/// Fills a new database through the directory itself: an owner and `USERS - 1` others.
pub async fn seed(url: &str, secret_key: &SecretKey) -> BenchResult<Directory> {
    let dir = Directory::open(Options {
        database_url: url.to_string(),
        secret_key: secret_key.clone(),
        clock: Arc::new(SystemClock),
        base_url: "http://127.0.0.1:3000".to_string(),
    })
    .await?;
    dir.migrate().await?;
    let system = Actor::system();
    let owner = NewUser {
        username: "olivia".into(),
        email: "olivia@example.org".into(),
        full_name: "The Owner".into(),
        role: Role::Owner,
        status: Status::Active,
        password: Some(PASSWORD.to_string().into()),
        must_change_password: false,
    };
    dir.users().create(&system, owner).await?;
    for i in 1..USERS {
        let role = if i % 50 == 0 {
            Role::Viewer
        } else {
            Role::User
        };
        let status = if i % 20 == 0 {
            Status::Suspended
        } else {
            Status::Active
        };
        let new = NewUser {
            username: format!("user{i:05}"),
            email: format!("user{i:05}@example.org"),
            full_name: format!("User Number {i}"),
            role,
            status,
            password: None,
            must_change_password: false,
        };
        dir.users().create(&system, new).await?;
    }
    Ok(dir)
}

pub fn start_server(
    url: &str,
    tmp: &std::path::Path,
    secret_key: &SecretKey,
) -> BenchResult<(std::process::Child, String)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .arg("serve")
        .env("GATEHOUSE_DATABASE_URL", url)
        .env("GATEHOUSE_SECRET_KEY", secret_key.to_base64())
        .env("GATEHOUSE_DATA_DIR", tmp.join("data"))
        .env("GATEHOUSE_HTTP_ADDR", "127.0.0.1:0")
        .env("GATEHOUSE_LDAP_ADDR", "")
        .env("GATEHOUSE_LDAPS_ADDR", "")
        .env("RUST_LOG", "warn,gatehouse=info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines.next().ok_or("the server exited before listening")??;
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Ok((child, format!("http://{addr}")))
}

/// Names the machine the figures come from.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!("machine: {cores} cores, {cpu}; client and server on the same machine, loopback HTTP")
}
