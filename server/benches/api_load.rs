//! `make bench`: the REST API under load and the audit export at scale, against the release
//! server on loopback. `GET /api/v1/users?limit=50` with an API key from 16 connections over
//! 10,000 users (requests/s, p50, p99); then 1,000,000 audit rows exported as CSV (time, and
//! the server's peak RSS before and after).

mod common;

use common::{BenchResult, USERS, machine, seed, start_server};
use directory::api_keys::NewKey;
use directory::{Actor, SecretKey};
use sea_orm::{ConnectionTrait, Database};
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 16;
const RUN: Duration = Duration::from_secs(10);
const AUDIT_ROWS: u64 = 1_000_000;

#[tokio::main]
async fn main() -> BenchResult {
    let tmp = std::env::temp_dir().join(format!("gatehouse-api-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let url = format!("sqlite://{}/gatehouse.db?mode=rwc", tmp.display());
    let secret_key = SecretKey::generate();
    let dir = seed(&url, &secret_key).await?;
    let owner = dir
        .users()
        .find_by_username(&directory::Username::parse("olivia")?)
        .await?
        .ok_or("no owner")?;
    let new = NewKey {
        label: "bench".into(),
        ..NewKey::default()
    };
    let (_, key) = dir
        .api_keys()
        .create(&Actor::system(), owner.id, new)
        .await?;
    // The per-key limit guards a server from a runaway script; this run measures the server.
    let mut settings = dir.settings().current().await?;
    settings.api_requests_per_minute = 10_000_000;
    dir.settings().update(&Actor::system(), settings).await?;
    let key = key.expose().to_string();
    dir.close().await?;
    let (mut server, base) = start_server(&url, &tmp, &secret_key)?;
    println!("{}", machine());

    let idle = peak_rss_kib(server.id());
    let (requests, mut times) = load(&base, &key).await?;
    let loaded = peak_rss_kib(server.id());
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "GET /api/v1/users?limit=50 with an API key, {USERS} users, {CONNECTIONS} connections, {} s: \
         {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        RUN.as_secs(),
        requests as f64 / RUN.as_secs_f64(),
        ms(at(0.50)),
        ms(at(0.99)),
        ms(times[times.len() - 1]),
    );
    println!(
        "server peak RSS {} MiB before the load, {} MiB after it",
        idle / 1024,
        loaded / 1024
    );

    fill_audit(&url).await?;
    let before = peak_rss_kib(server.id());
    let client = reqwest::Client::new();
    let start = Instant::now();
    let mut res = client
        .get(format!("{base}/api/v1/audit/export?format=csv"))
        .bearer_auth(&key)
        .send()
        .await?;
    let mut bytes = 0usize;
    let mut lines = 0usize;
    while let Some(chunk) = res.chunk().await? {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let took = start.elapsed();
    let after = peak_rss_kib(server.id());
    println!(
        "audit export, CSV: {} rows, {:.1} MB in {:.1} s ({:.0} rows/s); server peak RSS {} MiB before, {} MiB after",
        lines.saturating_sub(1),
        bytes as f64 / 1e6,
        took.as_secs_f64(),
        lines as f64 / took.as_secs_f64(),
        before / 1024,
        after / 1024,
    );
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}

/// Runs `CONNECTIONS` clients for `RUN`; returns the requests answered and their latencies.
async fn load(base: &str, key: &str) -> BenchResult<(usize, Vec<Duration>)> {
    let deadline = Instant::now() + RUN;
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()?;
        let url = format!("{base}/api/v1/users?limit=50");
        let key = key.to_string();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while Instant::now() < deadline {
                let start = Instant::now();
                let res = client
                    .get(&url)
                    .bearer_auth(&key)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !res.status().is_success() {
                    return Err(format!("answered {}", res.status()));
                }
                res.bytes().await.map_err(|e| e.to_string())?;
                times.push(start.elapsed());
            }
            Ok::<_, String>(times)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await?.map_err(|e| e.to_string())?);
    }
    Ok((all.len(), all))
}

/// A million audit rows, written straight into the table (the export reads, it does not
/// verify, so they need no chain).
async fn fill_audit(url: &str) -> BenchResult {
    let db = Database::connect(url).await?;
    let started = Instant::now();
    db.execute_unprepared(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {AUDIT_ROWS}) \
         INSERT INTO audit_log (id, at, actor_name, action, target_type, target_id, target_name, ip, user_agent, details) \
         SELECT 1000000 + i, '2026-11-01T00:00:00Z', 'olivia', 'user.update', 'user', 'id-' || i, 'user' || i, \
                '192.0.2.' || (i % 250), 'bench', '{{\"field\":\"email\"}}' FROM n"
    ))
    .await?;
    db.close().await?;
    println!(
        "wrote {AUDIT_ROWS} audit rows in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The process's peak resident set (VmHWM), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}
