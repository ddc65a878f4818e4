//! Sends the outbox by SMTP (`GATEHOUSE_SMTP_URL`): a background task claims due mails,
//! delivers them with lettre, and records each outcome; failures back off and retry.

use directory::outbox::Delivery;
use directory::{Directory, SecretString};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// The logo the mails' HTML shows, attached inline under `directory::mail::LOGO_CID`.
const LOGO: &[u8] = include_bytes!("../assets/mail-logo.png");
/// How often a process looks for mails other processes queued (its own wake it at once).
const POLL: Duration = Duration::from_secs(5);
const BATCH: u64 = 20;
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// How to reach the SMTP server, parsed from `smtp://[user:pass@]host[:port][?tls=…]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpTarget {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub user: Option<String>,
    password: Option<SecretString>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls {
    StartTls,
    Implicit,
    None,
}

impl SmtpTarget {
    /// Parses a URL the configuration has already checked for shape.
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or("GATEHOUSE_SMTP_URL must start with smtp://")?;
        let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (credentials, host_port) = match authority.rsplit_once('@') {
            Some((creds, host)) => (Some(creds), host),
            None => (None, authority),
        };
        let tls = match query.split('&').find_map(|p| p.strip_prefix("tls=")) {
            None | Some("starttls") => Tls::StartTls,
            Some("tls") => Tls::Implicit,
            Some("none") => Tls::None,
            Some(other) => return Err(format!("tls={other} is not one of starttls, tls, none")),
        };
        let default_port = match tls {
            Tls::StartTls => 587,
            Tls::Implicit => 465,
            Tls::None => 25,
        };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && !port.contains(']') => (
                host,
                port.parse::<u16>()
                    .map_err(|_| format!("`{port}` is not a port"))?,
            ),
            _ => (host_port, default_port),
        };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let (user, password) = match credentials.map(|c| c.split_once(':').unwrap_or((c, ""))) {
            Some((user, pass)) => (
                Some(percent_decode(user)),
                Some(SecretString::new(percent_decode(pass))),
            ),
            None => (None, None),
        };
        Ok(Self {
            host,
            port,
            tls,
            user,
            password,
        })
    }

    /// "smtp.example.com:587 (STARTTLS, as noreply)" for the settings page; never the password.
    pub fn describe(&self) -> String {
        let tls = match self.tls {
            Tls::StartTls => "STARTTLS",
            Tls::Implicit => "TLS",
            Tls::None => "no encryption",
        };
        match &self.user {
            Some(user) => format!("{}:{} ({tls}, as {user})", self.host, self.port),
            None => format!("{}:{} ({tls})", self.host, self.port),
        }
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let builder = match self.tls {
            Tls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&self.host),
            Tls::Implicit => AsyncSmtpTransport::<Tokio1Executor>::relay(&self.host),
            Tls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &self.host,
            )),
        }
        .map_err(|e| format!("SMTP server {}: {e}", self.host))?;
        let mut builder = builder.port(self.port).timeout(Some(SMTP_TIMEOUT));
        if let (Some(user), Some(password)) = (&self.user, &self.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose().to_string(),
            ));
        }
        Ok(builder.build())
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Builds the MIME message: plain text and HTML alternatives, the logo attached inline.
fn compose(from: &Mailbox, mail: &Delivery) -> Result<Message, String> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| format!("recipient {}: {e}", mail.to))?;
    let logo = Attachment::new_inline(directory::mail::LOGO_CID.to_string()).body(
        LOGO.to_vec(),
        ContentType::parse("image/png").map_err(|e| e.to_string())?,
    );
    let html = MultiPart::related()
        .singlepart(SinglePart::html(mail.html.clone()))
        .singlepart(logo);
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(mail.text.clone()))
                .multipart(html),
        )
        .map_err(|e| format!("composing the mail: {e}"))
}

/// Runs until the process ends: waits for a wake-up or the poll, then sends what is due.
pub async fn run(dir: Directory, target: SmtpTarget, from: Mailbox) {
    let transport = match target.transport() {
        Ok(transport) => transport,
        Err(err) => {
            tracing::error!(error = %err, "mail cannot be sent; it stays in the outbox");
            return;
        }
    };
    let waiting = dir.mail_waiting();
    tracing::info!(smtp = %target.describe(), "sending mail from the outbox");
    loop {
        if let Err(err) = send_due(&dir, &transport, &from).await {
            tracing::warn!(error = %err, "reading the outbox failed");
        }
        tokio::select! {
            () = waiting.notified() => {},
            () = tokio::time::sleep(POLL) => {},
        }
    }
}

async fn send_due(
    dir: &Directory,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
) -> Result<(), directory::Error> {
    loop {
        let batch = dir.outbox().claim_due(BATCH).await?;
        if batch.is_empty() {
            return Ok(());
        }
        for mail in batch {
            let outcome = match compose(from, &mail) {
                Ok(message) => transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(err) => Err(err),
            };
            match outcome {
                Ok(()) => {
                    tracing::info!(mail = mail.id, "mail sent");
                    dir.outbox().delivered(mail.id).await?;
                }
                Err(err) => {
                    tracing::warn!(mail = mail.id, error = %err, "mail not sent; will retry");
                    dir.outbox().failed(mail.id, &err).await?;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn urls_give_host_port_tls_and_credentials() -> TestResult {
        let t = SmtpTarget::parse("smtp://mailer:p%40ss@mail.example.com?tls=tls")?;
        assert_eq!(
            (t.host.as_str(), t.port, t.tls),
            ("mail.example.com", 465, Tls::Implicit)
        );
        assert_eq!(t.user.as_deref(), Some("mailer"));
        assert_eq!(t.password.as_ref().map(|p| p.expose()), Some("p@ss"));
        assert_eq!(t.describe(), "mail.example.com:465 (TLS, as mailer)");

        let t = SmtpTarget::parse("smtp://127.0.0.1:2525?tls=none")?;
        assert_eq!((t.port, t.tls, t.user), (2525, Tls::None, None));
        let t = SmtpTarget::parse("smtp://mail.example.com")?;
        assert_eq!((t.port, t.tls), (587, Tls::StartTls));
        assert!(!format!("{t:?}").contains("p@ss"));
        Ok(())
    }

    #[test]
    fn messages_carry_both_parts_and_the_logo() -> TestResult {
        let from: Mailbox = "Gatehouse <noreply@localhost>".parse()?;
        let mail = Delivery {
            id: 1,
            to: "ada@example.org".into(),
            subject: "Hello".into(),
            text: "plain body".into(),
            html: "<p>html body</p>".into(),
        };
        let raw = String::from_utf8(compose(&from, &mail)?.formatted())?;
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain"));
        assert!(raw.contains("text/html"));
        assert!(raw.contains("Content-ID: <logo>"));
        Ok(())
    }
}
