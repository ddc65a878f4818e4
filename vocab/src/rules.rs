//! Pure input rules (usernames, emails, password strength): the truth on the server and
//! instant feedback in the browser, from one definition.

/// Shortest and longest usernames we accept, in characters.
pub const USERNAME_MIN: usize = 2;
pub const USERNAME_MAX: usize = 32;

/// Names that apps commonly reserve for themselves or that would be mistaken for the system.
pub const RESERVED_USERNAMES: &[&str] = &[
    "404",
    "abuse",
    "admin",
    "administrator",
    "anonymous",
    "api",
    "daemon",
    "error",
    "gatehouse",
    "ghost",
    "guest",
    "hostmaster",
    "info",
    "ldap",
    "mail",
    "mailer-daemon",
    "no-reply",
    "nobody",
    "noreply",
    "null",
    "operator",
    "owner",
    "postmaster",
    "pull",
    "push",
    "root",
    "security",
    "setup",
    "support",
    "sys",
    "system",
    "sysadmin",
    "undefined",
    "webmaster",
    "www",
    "www-data",
];

/// Why a username was refused; `message()` is the sentence shown to people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UsernameProblem {
    Empty,
    Length,
    Characters,
    Start,
    Reserved(String),
}

impl UsernameProblem {
    pub fn message(&self) -> String {
        match self {
            Self::Empty => "Choose a username.".to_string(),
            Self::Length => {
                format!("Usernames are {USERNAME_MIN} to {USERNAME_MAX} characters long.")
            }
            Self::Characters => {
                "Usernames may contain only letters, digits, '.' and '-'.".to_string()
            }
            Self::Start => "Usernames start with a letter or a digit.".to_string(),
            Self::Reserved(name) => format!("\"{name}\" is reserved; choose another username."),
        }
    }
}

/// Checks a username and returns it in its stored form (trimmed, lower case).
///
/// Usernames compare case-insensitively everywhere (web, LDAP uid, OIDC sub), so the stored form
/// is lower case and uniqueness is a plain unique index on it.
pub fn normalize_username(input: &str) -> Result<String, UsernameProblem> {
    let name = input.trim().to_ascii_lowercase();
    if name.is_empty() {
        return Err(UsernameProblem::Empty);
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return Err(UsernameProblem::Characters);
    }
    let len = name.chars().count();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) {
        return Err(UsernameProblem::Length);
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(UsernameProblem::Start);
    }
    if RESERVED_USERNAMES.contains(&name.as_str()) {
        return Err(UsernameProblem::Reserved(name));
    }
    Ok(name)
}

/// Longest email address SMTP allows (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;

/// Checks the shape of an email address and returns its stored form (trimmed, lower case).
///
/// Deliverability is proven later by a verification mail, so this only refuses what can never
/// be an address: no `@`, an empty side, spaces, or a domain without a dot.
pub fn normalize_email(input: &str) -> Result<String, String> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter an email address.".to_string());
    }
    if email.len() > EMAIL_MAX {
        return Err(format!(
            "Email addresses are at most {EMAIL_MAX} characters long."
        ));
    }
    let valid = match email.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                && !domain.contains('@')
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err("Enter an email address like name@example.com.".to_string())
    }
}

/// Longest display name we store, in characters.
pub const FULL_NAME_MAX: usize = 128;

/// Checks a person's full name: optional, but bounded and free of control characters.
pub fn normalize_full_name(input: &str) -> Result<String, String> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() > FULL_NAME_MAX {
        return Err(format!(
            "Names are at most {FULL_NAME_MAX} characters long."
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("Names cannot contain control characters.".to_string());
    }
    Ok(name)
}

/// Group name bounds; the name is the group's LDAP `cn` and its posix name.
pub const GROUP_NAME_MAX: usize = 64;

/// Checks a group name and returns its stored form (trimmed, lower case): letters, digits,
/// `.`, `-` and `_`, starting with a letter or digit.
pub fn normalize_group_name(input: &str) -> Result<String, String> {
    let name = input.trim().to_lowercase();
    if name.is_empty() {
        return Err("Enter a group name.".to_string());
    }
    if name.chars().count() > GROUP_NAME_MAX {
        return Err(format!(
            "Group names are at most {GROUP_NAME_MAX} characters long."
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("Group names start with a letter or a digit.".to_string());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(format!(
            "Group names use letters, digits, '.', '-' and '_' only, not '{bad}'."
        ));
    }
    Ok(name)
}

/// GIDs below this belong to the system groups of the Linux hosts that read the directory.
pub const GID_MIN: i64 = 1000;
/// The largest id every posix system accepts.
pub const GID_MAX: i64 = 2_147_483_647;

/// Parses a GID typed by a person; empty means "pick the next free one".
pub fn parse_gid(input: &str) -> Result<Option<i64>, String> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(gid) if (GID_MIN..=GID_MAX).contains(&gid) => Ok(Some(gid)),
        _ => Err(format!(
            "A GID is a whole number from {GID_MIN} to {GID_MAX}, or empty to pick the next free one."
        )),
    }
}

/// Password length bounds in characters. The upper bound keeps hashing cost predictable.
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 256;

/// A rough strength estimate for live feedback; the server applies the same function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Strength {
    /// 0 (unusable) to 4 (strong).
    pub score: u8,
    pub label: &'static str,
    /// What would make the password better, empty when nothing would.
    pub hint: String,
}

/// Passwords that show up first in every leaked list; a tiny list only catches the worst.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "passw0rd",
    "123456",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty",
    "qwertyuiop",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "abc123",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "trustno1",
    "changeme",
    "gatehouse",
    "secret",
];

/// Scores a password by length, variety of characters and obvious patterns.
pub fn password_strength(password: &str) -> Strength {
    let len = password.chars().count();
    if len == 0 {
        return Strength {
            score: 0,
            label: "Empty",
            hint: "Enter a password.".to_string(),
        };
    }
    if len < PASSWORD_MIN {
        return Strength {
            score: 0,
            label: "Too short",
            hint: format!("Use at least {PASSWORD_MIN} characters."),
        };
    }
    if len > PASSWORD_MAX {
        return Strength {
            score: 0,
            label: "Too long",
            hint: format!("Use at most {PASSWORD_MAX} characters."),
        };
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.iter().any(|common| lower.contains(common)) {
        return Strength {
            score: 1,
            label: "Weak",
            hint: "Avoid common passwords and words like \"password\".".to_string(),
        };
    }
    let distinct = {
        let mut chars: Vec<char> = password.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        chars.len()
    };
    if distinct < 4 || is_sequence(password) {
        return Strength {
            score: 1,
            label: "Weak",
            hint: "Avoid repeated characters and sequences like abcd or 1234.".to_string(),
        };
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|present| **present)
    .count();
    let points = (len / 4) + classes;
    match points {
        0..=4 => Strength {
            score: 2,
            label: "Fair",
            hint: "Longer is stronger: add a few more words or characters.".to_string(),
        },
        5..=6 => Strength {
            score: 3,
            label: "Good",
            hint: "A few more characters would make it strong.".to_string(),
        },
        _ => Strength {
            score: 4,
            label: "Strong",
            hint: String::new(),
        },
    }
}

/// True when every character steps by the same small amount (aaaa, abcd, 9876).
fn is_sequence(password: &str) -> bool {
    let codes: Vec<i64> = password.chars().map(|c| i64::from(u32::from(c))).collect();
    let mut steps = codes.windows(2).map(|pair| pair[1] - pair[0]);
    match steps.next() {
        Some(first) if first.abs() <= 1 => steps.all(|step| step == first),
        _ => false,
    }
}

/// Checks a new password against the rules every path that sets one shares.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let strength = password_strength(password);
    if strength.score < 2 {
        Err(strength.hint)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_follow_the_posix_rules() {
        assert_eq!(
            normalize_group_name(" Dev_Ops.eu ").as_deref(),
            Ok("dev_ops.eu")
        );
        assert!(normalize_group_name("").is_err());
        assert!(normalize_group_name("-x").unwrap_err().contains("start"));
        assert!(normalize_group_name("a b").unwrap_err().contains("' '"));
        assert!(normalize_group_name(&"g".repeat(GROUP_NAME_MAX + 1)).is_err());
    }

    #[test]
    fn gids_are_bounded_or_empty() {
        assert_eq!(parse_gid(""), Ok(None));
        assert_eq!(parse_gid(" 10005 "), Ok(Some(10005)));
        assert!(parse_gid("999").is_err());
        assert!(parse_gid("2147483648").is_err());
        assert!(parse_gid("ten").is_err());
    }

    #[test]
    fn usernames_are_lower_cased_and_trimmed() {
        assert_eq!(
            normalize_username("  Ada.Lovelace ").as_deref(),
            Ok("ada.lovelace")
        );
        assert_eq!(normalize_username("x-1").as_deref(), Ok("x-1"));
        assert_eq!(normalize_username("7of9").as_deref(), Ok("7of9"));
    }

    #[test]
    fn username_length_is_bounded() {
        assert_eq!(normalize_username("a"), Err(UsernameProblem::Length));
        assert_eq!(normalize_username("ab").as_deref(), Ok("ab"));
        let longest = "a".repeat(USERNAME_MAX);
        assert_eq!(
            normalize_username(&longest).as_deref(),
            Ok(longest.as_str())
        );
        assert_eq!(
            normalize_username(&"a".repeat(USERNAME_MAX + 1)),
            Err(UsernameProblem::Length)
        );
    }

    #[test]
    fn username_characters_are_limited() {
        for bad in [
            "ada lovelace",
            "ada_l",
            "ada@home",
            "adé",
            "ada/..",
            "a\u{0}b",
            "ada+1",
        ] {
            assert_eq!(
                normalize_username(bad),
                Err(UsernameProblem::Characters),
                "{bad}"
            );
        }
        assert_eq!(normalize_username(""), Err(UsernameProblem::Empty));
        assert_eq!(normalize_username("   "), Err(UsernameProblem::Empty));
    }

    #[test]
    fn username_starts_with_letter_or_digit() {
        assert_eq!(normalize_username(".ada"), Err(UsernameProblem::Start));
        assert_eq!(normalize_username("-ada"), Err(UsernameProblem::Start));
    }

    #[test]
    fn reserved_usernames_are_refused_in_any_case() {
        for name in ["admin", "ROOT", "Error", "pull", "404"] {
            match normalize_username(name) {
                Err(UsernameProblem::Reserved(n)) => assert_eq!(n, name.to_ascii_lowercase()),
                other => panic!("{name}: {other:?}"),
            }
        }
        assert!(
            UsernameProblem::Reserved("admin".into())
                .message()
                .contains("reserved")
        );
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert_eq!(
            normalize_email(" Ada@Example.ORG ").as_deref(),
            Ok("ada@example.org")
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a da@example.org",
            "ada@.org",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn full_names_are_collapsed_and_bounded() {
        assert_eq!(
            normalize_full_name("  Ada   King ").as_deref(),
            Ok("Ada King")
        );
        assert!(normalize_full_name(&"x".repeat(FULL_NAME_MAX + 1)).is_err());
    }

    #[test]
    fn password_strength_grows_with_length_and_variety() {
        assert_eq!(password_strength("").score, 0);
        assert_eq!(password_strength("short1!").score, 0);
        assert_eq!(password_strength("password123!").score, 1);
        assert_eq!(password_strength("aaaaaaaaaaaa").score, 1);
        assert_eq!(password_strength("abcdefghijkl").score, 1);
        assert_eq!(password_strength("mzqtrwvbnk").score, 2);
        assert_eq!(password_strength("Correct-Horse-Battery-Staple-9").score, 4);
        assert!(check_new_password("Correct-Horse-Battery-Staple-9").is_ok());
        assert!(check_new_password("short").is_err());
        assert!(check_new_password(&"x1!".repeat(100)).is_err());
    }
}
