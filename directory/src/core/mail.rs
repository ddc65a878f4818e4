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
    /// The invite whose link it carries, if any; likewise.
    pub invite_id: Option<uuid::Uuid>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one link the mail carries, for admins to pass on when mail cannot be sent.
    pub link: Option<String>,
    /// After this the link is dead, so the mail is not worth sending.
    pub expires_at: Option<OffsetDateTime>,
}

/// The button a mail leads to.
struct Action<'a> {
    label: &'a str,
    url: &'a str,
    /// The link is the mail's point: admins may pass it on while the mail is unsent, and
    /// the mail is not worth sending after this time.
    carried: Option<Option<OffsetDateTime>>,
}

/// The parts every mail is built from.
struct Letter<'a> {
    kind: &'static str,
    to: &'a Email,
    user_id: Option<UserId>,
    subject: String,
    heading: String,
    paragraphs: Vec<String>,
    action: Option<Action<'a>>,
    base_url: &'a str,
}

impl Letter<'_> {
    fn finish(self) -> Mail {
        let (text, html) = (self.text(), self.html());
        let carried = self
            .action
            .as_ref()
            .and_then(|a| a.carried.map(|expires| (a.url.to_string(), expires)));
        Mail {
            kind: self.kind,
            to: self.to.clone(),
            user_id: self.user_id,
            invite_id: None,
            subject: self.subject,
            text,
            html,
            link: carried.as_ref().map(|(url, _)| url.clone()),
            expires_at: carried.and_then(|(_, expires)| expires),
        }
    }

    fn footer(&self) -> String {
        format!(
            "Sent by {PRODUCT} at {}. If you did not expect this mail, you can ignore it.",
            self.base_url
        )
    }

    fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.heading);
        for paragraph in &self.paragraphs {
            out.push_str(paragraph);
            out.push_str("\n\n");
        }
        if let Some(action) = &self.action {
            out.push_str(&format!("{}:\n{}\n\n", action.label, action.url));
        }
        out.push_str(&format!("-- \n{}\n", self.footer()));
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
            .as_ref()
            .map(|action| {
                let url = escape(action.url);
                format!(
                    "<p style=\"margin:24px 0\"><a href=\"{url}\" style=\"display:inline-block;background:#4f46e5;\
                     color:#ffffff;text-decoration:none;font-weight:600;padding:10px 18px;border-radius:6px\">{}</a></p>\
                     <p style=\"margin:0 0 16px;font-size:13px;color:#475569\">Or open this address: <br>\
                     <a href=\"{url}\" style=\"color:#4338ca;word-break:break-all\">{url}</a></p>",
                    escape(action.label)
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
            footer = escape(&self.footer()),
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

/// When a link was made and when it stops working.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl Window {
    /// "1 hour" / "72 hours", as the mail says it.
    fn lifetime(self) -> String {
        let hours = ((self.expires_at - self.now).whole_minutes() as f64 / 60.0).round() as i64;
        if hours == 1 {
            "1 hour".to_string()
        } else {
            format!("{hours} hours")
        }
    }

    fn carried(self) -> Option<Option<OffsetDateTime>> {
        Some(Some(self.expires_at))
    }
}

pub struct InviteMail<'a> {
    pub invite_id: uuid::Uuid,
    pub to: &'a Email,
    pub inviter: &'a str,
    pub role: &'a str,
    pub link: &'a str,
    pub base_url: &'a str,
    pub window: Window,
}

pub fn invite(m: InviteMail<'_>) -> Mail {
    let article = if m.role.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    let mail = Letter {
        kind: "invite",
        to: m.to,
        user_id: None,
        subject: format!("{} invited you to {PRODUCT}", m.inviter),
        heading: format!("You are invited to {PRODUCT}"),
        paragraphs: vec![
            format!(
                "{} invited you to join {PRODUCT} at {} as {article} {}. One account will sign you in to every app on this server.",
                m.inviter,
                m.base_url,
                m.role.replace('_', " "),
            ),
            format!(
                "The link works once and expires in {}.",
                m.window.lifetime()
            ),
        ],
        action: Some(Action {
            label: "Accept the invitation",
            url: m.link,
            carried: m.window.carried(),
        }),
        base_url: m.base_url,
    }
    .finish();
    Mail {
        invite_id: Some(m.invite_id),
        ..mail
    }
}

/// Who a mail about an account goes to, and where its button leads.
pub struct Notice<'a> {
    pub to: &'a Email,
    pub user_id: UserId,
    pub username: &'a str,
    pub link: &'a str,
    pub base_url: &'a str,
}

/// To an administrator: `username` (with `email`) registered and waits for approval.
pub fn approval_needed(n: Notice<'_>, email: &str) -> Mail {
    Letter {
        kind: "approval_needed",
        to: n.to,
        user_id: Some(n.user_id),
        subject: format!("{} waits for approval", n.username),
        heading: "A new account waits for approval".to_string(),
        paragraphs: vec![format!(
            "{} ({email}) registered at {}. The account cannot sign in until an administrator approves it.",
            n.username, n.base_url
        )],
        action: Some(Action {
            label: "Review the account",
            url: n.link,
            carried: None,
        }),
        base_url: n.base_url,
    }
    .finish()
}

/// To the person whose account was approved.
pub fn approved(n: Notice<'_>) -> Mail {
    Letter {
        kind: "account_approved",
        to: n.to,
        user_id: Some(n.user_id),
        subject: format!("Your {PRODUCT} account is approved"),
        heading: "Your account is ready".to_string(),
        paragraphs: vec![format!(
            "An administrator approved your account {} at {}. You can sign in now.",
            n.username, n.base_url
        )],
        action: Some(Action {
            label: "Sign in",
            url: n.link,
            carried: None,
        }),
        base_url: n.base_url,
    }
    .finish()
}

/// To the account's address: a link to choose a new password.
pub fn password_reset(n: Notice<'_>, window: Window) -> Mail {
    Letter {
        kind: "password_reset",
        to: n.to,
        user_id: Some(n.user_id),
        subject: format!("Reset your {PRODUCT} password"),
        heading: "Choose a new password".to_string(),
        paragraphs: vec![
            format!(
                "Someone asked to reset the password of the account {} at {}.",
                n.username, n.base_url
            ),
            format!(
                "The link works once and expires in {}. Choosing a new password signs you out everywhere else. If you did not ask for this, ignore this mail: your password stays as it is.",
                window.lifetime()
            ),
        ],
        action: Some(Action {
            label: "Choose a new password",
            url: n.link,
            carried: window.carried(),
        }),
        base_url: n.base_url,
    }
    .finish()
}

/// Which of an account's addresses a change is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address {
    /// The email address the account signs in and is reached with.
    Primary,
    /// The fallback address that password reset links go to as well.
    Recovery,
}

impl Address {
    fn words(self) -> &'static str {
        match self {
            Self::Primary => "email address",
            Self::Recovery => "recovery email address",
        }
    }
}

/// To the new address (`n.to`): open the link to make it the account's address.
pub fn email_change_verify(n: Notice<'_>, window: Window, which: Address) -> Mail {
    let what = which.words();
    Letter {
        kind: "email_change",
        to: n.to,
        user_id: Some(n.user_id),
        subject: format!("Confirm your new {PRODUCT} {what}"),
        heading: format!("Confirm your new {what}"),
        paragraphs: vec![
            format!(
                "The account {} at {} asked to use {} as its {what}.",
                n.username, n.base_url, n.to
            ),
            format!(
                "The change takes effect once you open this link. It expires in {}.",
                window.lifetime()
            ),
        ],
        action: Some(Action {
            label: "Confirm this address",
            url: n.link,
            carried: window.carried(),
        }),
        base_url: n.base_url,
    }
    .finish()
}

/// To an old address (`n.to`): someone asked to change the account's `which` address to
/// `new` (or to remove it).
pub fn email_change_notice(n: Notice<'_>, new: Option<&Email>, which: Address) -> Mail {
    let what = which.words();
    let change = match new {
        Some(new) => format!("asked to change its {what} to {new}"),
        None => format!("removed its {what}"),
    };
    Letter {
        kind: "email_change_notice",
        to: n.to,
        user_id: Some(n.user_id),
        subject: format!("Your {PRODUCT} {what} is changing"),
        heading: format!("Your {what} is about to change"),
        paragraphs: vec![
            format!("The account {} at {} {change}.", n.username, n.base_url),
            "If this was not you, sign in and change your password, or tell an administrator."
                .to_string(),
        ],
        action: None,
        base_url: n.base_url,
    }
    .finish()
}

/// To the user (`for_admin` false) or to an administrator: too many wrong second-factor
/// codes, so second-factor sign-in for `n.username` is locked until `until`.
pub fn second_factor_locked(n: Notice<'_>, until: OffsetDateTime, for_admin: bool) -> Mail {
    let (whose, advice) = if for_admin {
        (
            format!("the account {}", n.username),
            "Someone may know the password of this account. Check its recent activity, and consider a password reset.",
        )
    } else {
        (
            format!("your account {}", n.username),
            "If this was not you, someone knows your password: change it as soon as you can sign in.",
        )
    };
    Letter {
        kind: "second_factor_locked",
        to: n.to,
        user_id: Some(n.user_id),
        subject: format!("Two-factor sign-in locked for {}", n.username),
        heading: "Two-factor sign-in is locked for an hour".to_string(),
        paragraphs: vec![
            format!(
                "Too many wrong two-factor codes were entered for {whose} at {}. Signing in to it is locked until {} UTC.",
                n.base_url,
                until.to_offset(time::UtcOffset::UTC).time()
            ),
            advice.to_string(),
        ],
        action: Some(Action {
            label: if for_admin { "Review the account" } else { "Open your profile" },
            url: n.link,
            carried: None,
        }),
        base_url: n.base_url,
    }
    .finish()
}

/// To the owner of an existing account whose address someone tried to register with.
pub fn registration_attempt(n: Notice<'_>) -> Mail {
    Letter {
        kind: "registration_attempt",
        to: n.to,
        user_id: Some(n.user_id),
        subject: format!("Someone tried to register at {PRODUCT} with your address"),
        heading: "You already have an account".to_string(),
        paragraphs: vec![
            format!(
                "Someone tried to register a new account at {} with this email address, which already belongs to the account {}.",
                n.base_url, n.username
            ),
            "If it was you, sign in with that account, or reset its password if you forgot it. If not, you can ignore this mail: nothing was changed.".to_string(),
        ],
        action: Some(Action {
            label: "Sign in",
            url: n.link,
            carried: None,
        }),
        base_url: n.base_url,
    }
    .finish()
}

/// To an address that already belongs to an account, when another account asked to use it.
pub fn address_taken(n: Notice<'_>) -> Mail {
    Letter {
        kind: "address_taken",
        to: n.to,
        user_id: None,
        subject: format!("Someone asked to use your address at {PRODUCT}"),
        heading: "This address already has an account".to_string(),
        paragraphs: vec![
            format!(
                "The account {} at {} asked to use this email address, which already belongs to another account. Nothing was changed.",
                n.username, n.base_url
            ),
            "If you did not expect this, you can ignore this mail.".to_string(),
        ],
        action: None,
        base_url: n.base_url,
    }
    .finish()
}

/// To the address someone registered with: open the link to create the account.
pub fn signup_confirm(
    to: &Email,
    username: &str,
    link: &str,
    base_url: &str,
    window: Window,
    approval: bool,
) -> Mail {
    let then = if approval {
        " It then waits for an administrator's approval; you will get another mail when you can sign in."
    } else {
        ""
    };
    Letter {
        kind: "signup_confirm",
        to,
        user_id: None,
        subject: format!("Confirm your {PRODUCT} account"),
        heading: "Confirm your email address".to_string(),
        paragraphs: vec![
            format!(
                "Someone registered the account {username} at {base_url} with this address. The account is created once you open this link.{then}"
            ),
            format!(
                "The link works once and expires in {}. If this was not you, ignore this mail.",
                window.lifetime()
            ),
        ],
        action: Some(Action {
            label: "Confirm and create the account",
            url: link,
            carried: window.carried(),
        }),
        base_url,
    }
    .finish()
}

pub fn test(to: &Email, requested_by: &str, base_url: &str) -> Mail {
    Letter {
        kind: "test",
        to,
        user_id: None,
        subject: format!("{PRODUCT} test mail"),
        heading: "Mail delivery works".to_string(),
        paragraphs: vec![format!(
            "{requested_by} sent this test from the settings of {PRODUCT} at {base_url}. Invites, password resets and approvals will reach people the same way."
        )],
        action: None,
        base_url,
    }
    .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn both_parts_carry_the_link_and_html_is_escaped() -> TestResult {
        let now = OffsetDateTime::UNIX_EPOCH;
        let mail = invite(InviteMail {
            invite_id: uuid::Uuid::new_v4(),
            to: &Email::parse("new@example.org")?,
            inviter: "Ada <script>",
            role: "admin",
            link: "https://id.example.org/invite/abc?x=1&y=2",
            base_url: "https://id.example.org",
            window: Window {
                now,
                expires_at: now + time::Duration::hours(72),
            },
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
        Ok(())
    }

    #[test]
    fn text_lines_stay_short_enough_for_seven_bit_mail() -> TestResult {
        let now = OffsetDateTime::UNIX_EPOCH;
        let notice = Notice {
            to: &Email::parse("a@example.org")?,
            user_id: UserId::new(),
            username: "ada",
            link: "http://127.0.0.1:3000/reset/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            base_url: "http://127.0.0.1:3000",
        };
        let window = Window {
            now,
            expires_at: now + time::Duration::hours(1),
        };
        let mail = password_reset(notice, window);
        assert!(mail.text.lines().all(|l| l.len() < 998));
        assert!(mail.text.contains("expires in 1 hour."));
        Ok(())
    }
}
