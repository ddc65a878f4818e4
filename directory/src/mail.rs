//! The mails Gatehouse sends, each as plain text and HTML from one template.

use crate::ids::{Email, UserId};
use time::OffsetDateTime;

pub const PRODUCT: &str = "Gatehouse";
/// The HTML refers to the logo by this content id; the sender attaches the image.
pub const LOGO_CID: &str = "logo";

/// A composed mail, ready for the outbox.
#[derive(Clone, Debug)]
pub struct Mail {
    /// What it is for (`invite`, `password_reset`, …), shown to admins in the outbox.
    pub kind: &'static str,
    pub to: Email,
    /// The account it is about, if any; decides who may see its link.
    pub user_id: Option<UserId>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one link the mail carries, for admins to pass on when mail cannot be sent.
    pub link: Option<String>,
    /// After this the link is dead, so the mail is not worth sending.
    pub expires_at: Option<OffsetDateTime>,
}

/// The parts every mail is built from.
struct Template<'a> {
    heading: String,
    paragraphs: Vec<String>,
    action: Option<(&'a str, &'a str)>,
    footer: String,
}

impl Template<'_> {
    fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.heading);
        for paragraph in &self.paragraphs {
            out.push_str(paragraph);
            out.push_str("\n\n");
        }
        if let Some((label, url)) = self.action {
            out.push_str(&format!("{label}:\n{url}\n\n"));
        }
        out.push_str(&format!("-- \n{}\n", self.footer));
        out
    }

    fn html(&self) -> String {
        let paragraphs: String = self
            .paragraphs
            .iter()
            .map(|p| format!("<p style=\"margin:0 0 16px\">{}</p>", escape(p)))
            .collect();
        let action = self
            .action
            .map(|(label, url)| {
                let url = escape(url);
                format!(
                    "<p style=\"margin:24px 0\"><a href=\"{url}\" style=\"display:inline-block;background:#4f46e5;\
                     color:#ffffff;text-decoration:none;font-weight:600;padding:10px 18px;border-radius:6px\">{}</a></p>\
                     <p style=\"margin:0 0 16px;font-size:13px;color:#475569\">Or open this address: <br>\
                     <a href=\"{url}\" style=\"color:#4338ca;word-break:break-all\">{url}</a></p>",
                    escape(label)
                )
            })
            .unwrap_or_default();
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{heading}</title></head>\
             <body style=\"margin:0;background:#f8fafc;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#0f172a\">\
             <table role=\"presentation\" width=\"100%\" cellspacing=\"0\" cellpadding=\"0\"><tr><td align=\"center\" style=\"padding:32px 16px\">\
             <table role=\"presentation\" width=\"100%\" style=\"max-width:560px\" cellspacing=\"0\" cellpadding=\"0\">\
             <tr><td style=\"padding:0 0 16px\"><img src=\"cid:{LOGO_CID}\" width=\"32\" height=\"32\" alt=\"\" style=\"vertical-align:middle\"> \
             <span style=\"font-size:18px;font-weight:600;vertical-align:middle\">{PRODUCT}</span></td></tr>\
             <tr><td style=\"background:#ffffff;border:1px solid #e2e8f0;border-radius:12px;padding:28px;font-size:15px;line-height:1.5\">\
             <h1 style=\"margin:0 0 16px;font-size:20px\">{heading}</h1>{paragraphs}{action}</td></tr>\
             <tr><td style=\"padding:16px 0;font-size:12px;color:#64748b\">{footer}</td></tr>\
             </table></td></tr></table></body></html>",
            heading = escape(&self.heading),
            footer = escape(&self.footer),
        )
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

fn build(
    kind: &'static str,
    to: &Email,
    user_id: Option<UserId>,
    subject: String,
    template: Template<'_>,
    link: Option<&str>,
    expires_at: Option<OffsetDateTime>,
) -> Mail {
    Mail {
        kind,
        to: to.clone(),
        user_id,
        subject,
        text: template.text(),
        html: template.html(),
        link: link.map(str::to_string),
        expires_at,
    }
}

fn footer(base_url: &str) -> String {
    format!("Sent by {PRODUCT} at {base_url}. If you did not expect this mail, you can ignore it.")
}

/// "in 72 hours" / "in 1 hour".
fn hours_from(now: OffsetDateTime, until: OffsetDateTime) -> String {
    let hours = ((until - now).whole_minutes() as f64 / 60.0).round() as i64;
    if hours == 1 {
        "1 hour".to_string()
    } else {
        format!("{hours} hours")
    }
}

pub struct InviteMail<'a> {
    pub to: &'a Email,
    pub inviter: &'a str,
    pub role: &'a str,
    pub link: &'a str,
    pub base_url: &'a str,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

pub fn invite(m: InviteMail<'_>) -> Mail {
    let template = Template {
        heading: format!("You are invited to {PRODUCT}"),
        paragraphs: vec![
            format!(
                "{} invited you to join {PRODUCT} at {} as {} {}. One account will sign you in to every app on this server.",
                m.inviter,
                m.base_url,
                if m.role.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                },
                m.role.replace('_', " "),
            ),
            format!(
                "The link works once and expires in {}.",
                hours_from(m.now, m.expires_at)
            ),
        ],
        action: Some(("Accept the invitation", m.link)),
        footer: footer(m.base_url),
    };
    build(
        "invite",
        m.to,
        None,
        format!("{} invited you to {PRODUCT}", m.inviter),
        template,
        Some(m.link),
        Some(m.expires_at),
    )
}

pub struct ResetMail<'a> {
    pub to: &'a Email,
    pub user_id: UserId,
    pub username: &'a str,
    pub link: &'a str,
    pub base_url: &'a str,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

pub fn password_reset(m: ResetMail<'_>) -> Mail {
    let template = Template {
        heading: "Choose a new password".to_string(),
        paragraphs: vec![
            format!(
                "Someone asked to reset the password of the account {} at {}.",
                m.username, m.base_url
            ),
            format!(
                "The link works once and expires in {}. Choosing a new password signs you out everywhere else. If you did not ask for this, ignore this mail: your password stays as it is.",
                hours_from(m.now, m.expires_at)
            ),
        ],
        action: Some(("Choose a new password", m.link)),
        footer: footer(m.base_url),
    };
    build(
        "password_reset",
        m.to,
        Some(m.user_id),
        format!("Reset your {PRODUCT} password"),
        template,
        Some(m.link),
        Some(m.expires_at),
    )
}

/// To an administrator: someone registered and waits for approval.
pub fn approval_needed(
    to: &Email,
    admin: UserId,
    username: &str,
    email: &str,
    link: &str,
    base_url: &str,
) -> Mail {
    let template = Template {
        heading: "A new account waits for approval".to_string(),
        paragraphs: vec![format!(
            "{username} ({email}) registered at {base_url}. The account cannot sign in until an administrator approves it."
        )],
        action: Some(("Review the account", link)),
        footer: footer(base_url),
    };
    build(
        "approval_needed",
        to,
        Some(admin),
        format!("{username} waits for approval"),
        template,
        None,
        None,
    )
}

/// To the person whose account was approved.
pub fn approved(to: &Email, user: UserId, username: &str, link: &str, base_url: &str) -> Mail {
    let template = Template {
        heading: "Your account is ready".to_string(),
        paragraphs: vec![format!(
            "An administrator approved your account {username} at {base_url}. You can sign in now."
        )],
        action: Some(("Sign in", link)),
        footer: footer(base_url),
    };
    build(
        "account_approved",
        to,
        Some(user),
        format!("Your {PRODUCT} account is approved"),
        template,
        None,
        None,
    )
}

pub struct EmailChangeMail<'a> {
    pub new: &'a Email,
    pub old: &'a Email,
    pub user_id: UserId,
    pub username: &'a str,
    pub link: &'a str,
    pub base_url: &'a str,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// To the new address: open the link to make it the account's address.
pub fn email_change_verify(m: &EmailChangeMail<'_>) -> Mail {
    let template = Template {
        heading: "Confirm your new email address".to_string(),
        paragraphs: vec![
            format!(
                "The account {} at {} asked to use {} as its email address.",
                m.username, m.base_url, m.new
            ),
            format!(
                "The change takes effect once you open this link. It expires in {}.",
                hours_from(m.now, m.expires_at)
            ),
        ],
        action: Some(("Confirm this address", m.link)),
        footer: footer(m.base_url),
    };
    build(
        "email_change",
        m.new,
        Some(m.user_id),
        format!("Confirm your new {PRODUCT} email address"),
        template,
        Some(m.link),
        Some(m.expires_at),
    )
}

/// To the old address: someone asked to move the account away from it.
pub fn email_change_notice(m: &EmailChangeMail<'_>) -> Mail {
    let template = Template {
        heading: "Your email address is about to change".to_string(),
        paragraphs: vec![
            format!(
                "The account {} at {} asked to change its email address from {} to {}.",
                m.username, m.base_url, m.old, m.new
            ),
            "If this was not you, sign in and change your password, or tell an administrator."
                .to_string(),
        ],
        action: None,
        footer: footer(m.base_url),
    };
    build(
        "email_change_notice",
        m.old,
        Some(m.user_id),
        format!("Your {PRODUCT} email address is changing"),
        template,
        None,
        None,
    )
}

pub fn test(to: &Email, requested_by: &str, base_url: &str) -> Mail {
    let template = Template {
        heading: "Mail delivery works".to_string(),
        paragraphs: vec![format!(
            "{requested_by} sent this test from the settings of {PRODUCT} at {base_url}. Invites, password resets and approvals will reach people the same way."
        )],
        action: None,
        footer: footer(base_url),
    };
    build(
        "test",
        to,
        None,
        format!("{PRODUCT} test mail"),
        template,
        None,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    #[test]
    fn both_parts_carry_the_link_and_html_is_escaped() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let mail = invite(InviteMail {
            to: &email("new@example.org"),
            inviter: "Ada <script>",
            role: "admin",
            link: "https://id.example.org/invite/abc?x=1&y=2",
            base_url: "https://id.example.org",
            now,
            expires_at: now + time::Duration::hours(72),
        });
        assert!(
            mail.text
                .contains("https://id.example.org/invite/abc?x=1&y=2")
        );
        assert!(mail.text.contains("expires in 72 hours"));
        assert!(mail.text.contains("as an admin"));
        assert!(mail.html.contains("invite/abc?x=1&amp;y=2"));
        assert!(mail.html.contains("Ada &lt;script&gt;"));
        assert!(!mail.html.contains("<script>"));
        assert!(mail.html.contains("cid:logo"));
        assert_eq!(
            mail.link.as_deref(),
            Some("https://id.example.org/invite/abc?x=1&y=2")
        );
    }

    #[test]
    fn text_lines_stay_short_enough_for_seven_bit_mail() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let mail = password_reset(ResetMail {
            to: &email("a@example.org"),
            user_id: UserId::new(),
            username: "ada",
            link: "http://127.0.0.1:3000/reset/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            base_url: "http://127.0.0.1:3000",
            now,
            expires_at: now + time::Duration::hours(1),
        });
        assert!(mail.text.lines().all(|l| l.len() < 998));
        assert!(mail.text.contains("expires in 1 hour."));
    }
}
