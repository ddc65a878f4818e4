//! One-time backup codes for when the authenticator is out of reach: ten at a time, each 10
//! lowercase letters and digits shown as `k7f2p-9qd4x`, stored as keyed hashes.

use crate::core::sealed;
use crate::entities::backup_codes;
use crate::error::Result;
use crate::ids::UserId;
use crate::secrets::{SecretKey, SecretString};
use rand::Rng;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use time::OffsetDateTime;

pub const COUNT: usize = 10;
const LEN: usize = 10;
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const PURPOSE: &str = "backup-codes";

/// A fresh code, as shown: two groups of five.
fn generate() -> SecretString {
    let mut rng = rand::rng();
    let chars: String = (0..LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    SecretString::new(format!("{}-{}", &chars[..LEN / 2], &chars[LEN / 2..]))
}

/// The code without its dash, spaces or capitals; `None` if it cannot be a backup code.
pub fn normalize(code: &str) -> Option<String> {
    let plain: String = code
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (plain.len() == LEN && plain.bytes().all(|b| ALPHABET.contains(&b))).then_some(plain)
}

fn digest(key: &SecretKey, user: UserId, plain: &str) -> String {
    // The user id in the hashed text keeps one user's code from matching another's row.
    sealed::keyed_digest(key, PURPOSE, &format!("{user}:{plain}"))
}

/// Replaces the user's codes with ten new ones (the old ones die) and returns them to show once.
pub(crate) async fn replace(
    conn: &impl ConnectionTrait,
    key: &SecretKey,
    user: UserId,
    now: OffsetDateTime,
) -> Result<Vec<SecretString>> {
    delete_all(conn, user).await?;
    let codes: Vec<SecretString> = (0..COUNT).map(|_| generate()).collect();
    let rows = codes.iter().filter_map(|code| {
        normalize(code.expose()).map(|plain| backup_codes::ActiveModel {
            user_id: Set(user.0),
            code_hash: Set(digest(key, user, &plain)),
            created_at: Set(now),
            used_at: Set(None),
            ..Default::default()
        })
    });
    backup_codes::Entity::insert_many(rows).exec(conn).await?;
    Ok(codes)
}

/// Uses up a code: true if it was one of the user's unused codes. One conditional update, so
/// two requests racing with the same code cannot both succeed.
pub(crate) async fn consume(
    conn: &impl ConnectionTrait,
    key: &SecretKey,
    user: UserId,
    code: &str,
    now: OffsetDateTime,
) -> Result<bool> {
    let Some(plain) = normalize(code) else {
        return Ok(false);
    };
    let result = backup_codes::Entity::update_many()
        .col_expr(backup_codes::Column::UsedAt, now.into())
        .filter(backup_codes::Column::UserId.eq(user.0))
        .filter(backup_codes::Column::CodeHash.eq(digest(key, user, &plain)))
        .filter(backup_codes::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub(crate) async fn remaining(conn: &impl ConnectionTrait, user: UserId) -> Result<u64> {
    Ok(backup_codes::Entity::find()
        .filter(backup_codes::Column::UserId.eq(user.0))
        .filter(backup_codes::Column::UsedAt.is_null())
        .count(conn)
        .await?)
}

pub(crate) async fn delete_all(conn: &impl ConnectionTrait, user: UserId) -> Result<()> {
    backup_codes::Entity::delete_many()
        .filter(backup_codes::Column::UserId.eq(user.0))
        .exec(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_two_groups_of_five_from_the_alphabet() {
        for _ in 0..50 {
            let code = generate();
            let text = code.expose();
            assert_eq!(text.len(), 11, "{text}");
            assert_eq!(&text[5..6], "-");
            assert!(normalize(text).is_some(), "{text}");
        }
    }

    #[test]
    fn typing_variations_normalize_to_one_code() {
        assert_eq!(normalize("K7F2P-9QD4X"), Some("k7f2p9qd4x".into()));
        assert_eq!(normalize(" k7f2p 9qd4x "), Some("k7f2p9qd4x".into()));
        for bad in ["k7f2p-9qd4", "k7f2p-9qd4x1", "k7f2p_9qd4x", "123456", ""] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }

    #[test]
    fn digests_bind_the_code_to_its_user() {
        let key = SecretKey::generate();
        let (a, b) = (UserId::new(), UserId::new());
        assert_eq!(digest(&key, a, "k7f2p9qd4x"), digest(&key, a, "k7f2p9qd4x"));
        assert_ne!(digest(&key, a, "k7f2p9qd4x"), digest(&key, b, "k7f2p9qd4x"));
    }
}
