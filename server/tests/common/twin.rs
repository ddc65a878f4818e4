//! A second `gatehouse serve` process on a test's database, as when several processes share
//! one PostgreSQL (or one SQLite file, with the command line beside the server).

use super::TestApp;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;

pub struct Twin {
    pub base_url: String,
    child: Child,
}

impl Twin {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Drop for Twin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts another server process on `app`'s database and data dir.
pub fn start(app: &TestApp) -> Twin {
    let mut child = app
        .command()
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a second gatehouse");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let addr = rest.split_whitespace().next().unwrap_or_default();
                let _ = tx.send(addr.to_string());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the second gatehouse did not start within 60 s");
    Twin {
        base_url: format!("http://{addr}"),
        child,
    }
}
