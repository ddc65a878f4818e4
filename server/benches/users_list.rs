//! `make bench`: the users list with 10,000 users on SQLite, measured from a client on
//! loopback against the real release server. Prints p50/p95/max per query shape.

use directory::users::{NewUser, Status};
use directory::{Actor, Directory, Options, Role, SecretKey, SystemClock};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Whatever stops the run: it is printed and the bench exits non-zero.
type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

const USERS: usize = 10_000;
const ROUNDS: usize = 200;
const PASSWORD: &str = "Bench-Harbour-Lantern-2026";

#[tokio::main]
async fn main() -> BenchResult {
    let tmp = std::env::temp_dir().join(format!("gatehouse-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let url = format!("sqlite://{}/gatehouse.db?mode=rwc", tmp.display());
    let seeded = Instant::now();
    seed(&url).await?;
    println!(
        "seeded {USERS} users in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    let (mut server, base) = start_server(&url, &tmp)?;
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let res = client
        .post(format!("{base}/_fn/login"))
        .header("origin", &base)
        .form(&[("login", "olivia"), ("password", PASSWORD)])
        .send()
        .await?;
    if !res.status().is_success() {
        return Err(format!("sign-in failed: {}", res.status()).into());
    }

    println!("{}", machine());
    println!(
        "{:<34} {:>8} {:>8} {:>8} {:>8}",
        "users list (50 per page)", "matches", "p50 ms", "p95 ms", "max ms"
    );
    let shapes: [(&str, Vec<(&str, &str)>); 6] = [
        ("first page, by username", vec![]),
        ("page 150, by username", vec![("filter[page]", "150")]),
        ("search \"user012\"", vec![("filter[q]", "user012")]),
        ("role = viewer", vec![("filter[role]", "viewer")]),
        (
            "all users, newest first",
            vec![("filter[sort]", "created"), ("filter[desc]", "true")],
        ),
        (
            "search + status + sort by name",
            vec![
                ("filter[q]", "example"),
                ("filter[status]", "active"),
                ("filter[sort]", "name"),
            ],
        ),
    ];
    for (name, form) in shapes {
        let first: serde_json::Value = client
            .post(format!("{base}/_fn/users"))
            .header("origin", &base)
            .form(&form)
            .send()
            .await?
            .json()
            .await?;
        let matches = first["total"].as_u64().ok_or("no total in the answer")?;
        if first["users"].as_array().is_none_or(|u| u.is_empty()) {
            return Err(format!("{name}: no rows, so nothing would be measured").into());
        }
        let mut times = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS + 10 {
            let start = Instant::now();
            let res = client
                .post(format!("{base}/_fn/users"))
                .header("origin", &base)
                .form(&form)
                .send()
                .await?;
            if !res.status().is_success() {
                return Err(format!("{name}: {}", res.status()).into());
            }
            res.bytes().await?;
            if round >= 10 {
                times.push(start.elapsed());
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        println!(
            "{name:<34} {matches:>8} {:>8.2} {:>8.2} {:>8.2}",
            ms(at(0.50)),
            ms(at(0.95)),
            ms(times[times.len() - 1])
        );
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}

/// Fills a new database through the directory itself: an owner and `USERS - 1` others.
async fn seed(url: &str) -> BenchResult {
    let dir = Directory::open(Options {
        database_url: url.to_string(),
        secret_key: SecretKey::generate(),
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
    dir.close().await?;
    Ok(())
}

fn start_server(url: &str, tmp: &std::path::Path) -> BenchResult<(std::process::Child, String)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .arg("serve")
        .env("GATEHOUSE_DATABASE_URL", url)
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
fn machine() -> String {
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
