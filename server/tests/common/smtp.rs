//! A real SMTP server on loopback that keeps every mail it receives, for tests to read the
//! links Gatehouse sends.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub data: String,
}

impl ReceivedMail {
    /// The message without quoted-printable soft line breaks, for searching.
    pub fn text(&self) -> String {
        self.data.replace("=\r\n", "")
    }

    pub fn subject(&self) -> String {
        self.data
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_string()
    }

    /// The first link to `path` (`/invite/`, `/reset/`, …) with its token.
    pub fn link(&self, path: &str) -> String {
        let text = self.text();
        let at = text
            .find(path)
            .unwrap_or_else(|| panic!("no {path} link in mail:\n{}", self.data));
        let start = text[..at].rfind("http").expect("link starts with http");
        let token: String = text[at + path.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        format!("{}{path}{token}", &text[start..at])
    }

    /// The token at the end of the link to `path`.
    pub fn token(&self, path: &str) -> String {
        self.link(path).rsplit('/').next().unwrap().to_string()
    }
}

pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
    stop: Arc<AtomicBool>,
}

impl SmtpSink {
    /// Listens on a free loopback port.
    pub fn start() -> Self {
        Self::start_on(0)
    }

    /// Listens on `port` (0 for any free one).
    pub fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the SMTP sink");
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, s) = (mails.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let m = m.clone();
                    std::thread::spawn(move || {
                        let _ = session(stream, &m);
                    });
                }
            }
        });
        Self { port, mails, stop }
    }

    /// A port nothing listens on (yet): an SMTP server that is down.
    pub fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    pub fn url_for(port: u16) -> String {
        format!("smtp://127.0.0.1:{port}?tls=none")
    }

    pub fn url(&self) -> String {
        Self::url_for(self.port)
    }

    pub fn all(&self) -> Vec<ReceivedMail> {
        self.mails.lock().unwrap().clone()
    }

    /// Mails received for `to` so far.
    pub fn to(&self, to: &str) -> Vec<ReceivedMail> {
        self.all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .collect()
    }

    /// Waits up to 20 s for the `n`-th mail (1-based) to `to`.
    pub async fn wait_for_nth(&self, to: &str, n: usize) -> ReceivedMail {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mails = self.to(to);
            if mails.len() >= n {
                return mails[n - 1].clone();
            }
            assert!(
                Instant::now() < deadline,
                "no mail #{n} to {to} within 20 s; received: {:?}",
                self.all()
                    .iter()
                    .map(|m| (&m.to, m.subject()))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn wait_for(&self, to: &str) -> ReceivedMail {
        self.wait_for_nth(to, 1).await
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// One SMTP conversation: enough of RFC 5321 for lettre (EHLO, MAIL, RCPT, DATA, QUIT).
fn session(stream: TcpStream, mails: &Mutex<Vec<ReceivedMail>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    out.write_all(b"220 sink.test ESMTP\r\n")?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") {
            out.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if command.starts_with("HELO") || command.starts_with("MAIL FROM") {
            out.write_all(b"250 OK\r\n")?;
        } else if command.starts_with("RCPT TO") {
            let address = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string();
            to.push(address);
            out.write_all(b"250 OK\r\n")?;
        } else if command == "DATA" {
            out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            mails.lock().unwrap().push(ReceivedMail {
                to: std::mem::take(&mut to),
                data,
            });
            out.write_all(b"250 OK: queued\r\n")?;
        } else if command == "QUIT" {
            out.write_all(b"221 Bye\r\n")?;
            return Ok(());
        } else if command == "RSET" || command == "NOOP" {
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else {
            out.write_all(b"502 Command not implemented\r\n")?;
        }
    }
}
