//! `make bench`: the users list with 10,000 users on SQLite, measured from a client on
//! loopback against the real release server. Prints p50/p95/max per query shape.

mod common;

use common::{BenchResult, PASSWORD, USERS, machine, seed, start_server};
use std::time::{Duration, Instant};

const ROUNDS: usize = 200;

#[tokio::main]
async fn main() -> BenchResult {
    let tmp = std::env::temp_dir().join(format!("gatehouse-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let url = format!("sqlite://{}/gatehouse.db?mode=rwc", tmp.display());
    let seeded = Instant::now();
    let secret_key = directory::SecretKey::generate();
    seed(&url, &secret_key).await?.close().await?;
    println!(
        "seeded {USERS} users in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    let (mut server, base) = start_server(&url, &tmp, &secret_key)?;
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
