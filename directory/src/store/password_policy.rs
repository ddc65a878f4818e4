//! The password policy every path that sets a password goes through: length, strength
//! (zxcvbn, score 3 or better), no reuse of recent passwords, and a maximum age.

use crate::entities::password_history;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::passwords;
use crate::rules::PASSWORD_MAX;
use crate::secrets::SecretString;
use crate::store::settings_rows::PasswordPolicy;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sea_orm::{QueryOrder, QuerySelect};
use time::{Duration, OffsetDateTime};

/// zxcvbn's own advice: anything below 3 is too weak.
const MIN_SCORE: u8 = 3;
/// zxcvbn's cost grows with length; the first characters decide its score anyway.
const SCORED_PREFIX: usize = 100;
/// Old hashes kept per user, whatever the setting (so raising it takes effect at once).
const HISTORY_KEPT: u64 = 24;

/// A password someone wants to set, with what it must not resemble.
pub(crate) struct Candidate<'a> {
    pub password: &'a SecretString,
    /// The form field to name in the error.
    pub field: &'static str,
    /// Username, names and email: a password built from them is easy to guess.
    pub context: Vec<String>,
    /// The account, when it exists already (for the reuse check).
    pub user: Option<UserId>,
}

/// Checks `candidate` against `policy`, the cheap rules first.
pub(crate) async fn check(
    conn: &impl ConnectionTrait,
    policy: &PasswordPolicy,
    candidate: Candidate<'_>,
) -> Result<()> {
    let invalid = |message: String| Error::invalid(candidate.field, message);
    let password = candidate.password.expose();
    let length = password.chars().count();
    if length < policy.min_length as usize {
        return Err(invalid(format!(
            "Use at least {} characters.",
            policy.min_length
        )));
    }
    if length > PASSWORD_MAX {
        return Err(invalid(format!("Use at most {PASSWORD_MAX} characters.")));
    }
    let scored: String = password.chars().take(SCORED_PREFIX).collect();
    let context = candidate.context.clone();
    let weakness = tokio::task::spawn_blocking(move || weakness(&scored, &context))
        .await
        .map_err(|e| Error::Internal(format!("strength task: {e}")))?;
    if let Some(message) = weakness {
        return Err(invalid(message));
    }
    if let Some(user) = candidate.user
        && policy.history > 0
        && used_recently(conn, user, candidate.password, policy).await?
    {
        return Err(invalid(format!(
            "You used this password recently. Choose one that is not among your last {}.",
            policy.history
        )));
    }
    Ok(())
}

/// zxcvbn's verdict and advice, or `None` when the password is strong enough.
fn weakness(password: &str, context: &[String]) -> Option<String> {
    let inputs: Vec<&str> = context
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(estimate.score()) >= MIN_SCORE {
        return None;
    }
    let mut advice = vec!["This password is too easy to guess.".to_string()];
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            advice.push(sentence(&warning.to_string()));
        }
        advice.extend(
            feedback
                .suggestions()
                .iter()
                .map(|s| sentence(&s.to_string())),
        );
    }
    if advice.len() == 1 {
        advice.push("Add more words or characters.".to_string());
    }
    Some(advice.join(" "))
}

fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

async fn used_recently(
    conn: &impl ConnectionTrait,
    user: UserId,
    password: &SecretString,
    policy: &PasswordPolicy,
) -> Result<bool> {
    let hashes: Vec<String> = password_history::Entity::find()
        .select_only()
        .column(password_history::Column::PasswordHash)
        .filter(password_history::Column::UserId.eq(user.0))
        .order_by_desc(password_history::Column::Id)
        .limit(u64::from(policy.history))
        .into_tuple()
        .all(conn)
        .await?;
    for hash in hashes {
        // The decoy is never used: a stored hash is always given.
        if passwords::verify(password, Some(&hash), &hash).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Remembers a newly set password's hash and forgets all but the newest few.
pub(crate) async fn record(
    conn: &impl ConnectionTrait,
    user: UserId,
    hash: &str,
    now: OffsetDateTime,
) -> Result<()> {
    password_history::ActiveModel {
        user_id: Set(user.0),
        password_hash: Set(hash.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let keep = Query::select()
        .column(password_history::Column::Id)
        .from(password_history::Entity)
        .and_where(Expr::col(password_history::Column::UserId).eq(user.0))
        .order_by(password_history::Column::Id, sea_orm::Order::Desc)
        .limit(HISTORY_KEPT)
        .to_owned();
    // MySQL-style engines refuse LIMIT inside IN; SQLite and PostgreSQL accept it.
    password_history::Entity::delete_many()
        .filter(password_history::Column::UserId.eq(user.0))
        .filter(Expr::col(password_history::Column::Id).not_in_subquery(keep))
        .exec(conn)
        .await?;
    Ok(())
}

/// Whether a password set at `changed_at` is past the policy's maximum age.
pub(crate) fn expired(
    policy: &PasswordPolicy,
    changed_at: OffsetDateTime,
    now: OffsetDateTime,
) -> bool {
    policy.max_age_days > 0 && now - changed_at > Duration::days(i64::from(policy.max_age_days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_get_zxcvbn_advice() {
        let advice = weakness("Password123", &[]).unwrap_or_default();
        assert!(
            advice.starts_with("This password is too easy to guess."),
            "{advice}"
        );
        assert!(advice.len() > 40, "{advice}");
    }

    #[test]
    fn passwords_built_from_the_username_are_weak() {
        assert!(weakness("ada.lovelace.1815", &[]).is_none());
        assert!(weakness("ada.lovelace.1815", &["ada.lovelace".into(), "1815".into()]).is_some());
    }

    #[test]
    fn strong_passwords_pass() {
        assert!(weakness("Correct-Horse-Battery-9", &[]).is_none());
        assert!(weakness("vqtp-8JkZ-m2Wx-rbYc", &[]).is_none());
    }

    #[test]
    fn age_counts_only_when_a_maximum_is_set() {
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let mut policy = PasswordPolicy::default();
        assert!(!expired(&policy, t0, t0 + Duration::days(5000)));
        policy.max_age_days = 90;
        assert!(!expired(&policy, t0, t0 + Duration::days(90)));
        assert!(expired(&policy, t0, t0 + Duration::days(91)));
    }
}
