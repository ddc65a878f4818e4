//! Rate limits on password checks and one-time links, per IP and per account, kept in the
//! database (one GCRA bucket per key) so every process sharing it counts the same attempts.

use crate::Directory;
use crate::entities::rate_limits;
use crate::error::{Error, Result};
use crate::ids::UserId;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use time::{Duration, OffsetDateTime};

/// A limit: one attempt per `interval` on average, with up to `burst` at once.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub name: &'static str,
    pub interval: Duration,
    pub burst: u32,
}

/// One password check per second per IP with a burst of ten, as Cloudron does.
pub const LOGIN_PER_IP: Rule = Rule {
    name: "login.ip",
    interval: Duration::seconds(1),
    burst: 10,
};
/// Guessing one account's password from many IPs: ten tries, then one per six seconds.
pub const LOGIN_PER_ACCOUNT: Rule = Rule {
    name: "login.account",
    interval: Duration::seconds(6),
    burst: 10,
};
/// Reset requests send mail: a few per address, then one per five minutes.
pub const RESET_PER_ACCOUNT: Rule = Rule {
    name: "reset.account",
    interval: Duration::minutes(5),
    burst: 3,
};
pub const RESET_PER_IP: Rule = Rule {
    name: "reset.ip",
    interval: Duration::seconds(10),
    burst: 10,
};
/// Opening invite, reset and email links (guessing tokens is hopeless, but cheap to bound).
pub const LINK_PER_IP: Rule = Rule {
    name: "link.ip",
    interval: Duration::seconds(1),
    burst: 20,
};
pub const REGISTER_PER_IP: Rule = Rule {
    name: "register.ip",
    interval: Duration::minutes(1),
    burst: 5,
};

/// Buckets untouched for this long are full again and can be deleted.
const FORGET_AFTER: Duration = Duration::days(1);

/// Counts one attempt against `rule` for `subject` (an IP, or a lower-cased login), or
/// refuses it with the seconds to wait. The key is hashed: no email sits in this table.
pub(crate) async fn hit(dir: &Directory, rule: Rule, subject: &str) -> Result<()> {
    let key = crate::tokens::digest(&format!("{}:{}", rule.name, subject.to_lowercase()));
    let now = dir.now();
    let txn = dir.db().begin().await?;
    // Writing first takes SQLite's write lock at once; on PostgreSQL the row lock below
    // makes concurrent attempts on one key queue instead of both passing.
    rate_limits::Entity::insert(rate_limits::ActiveModel {
        key: Set(key.clone()),
        tat: Set(now),
    })
    .on_conflict_do_nothing_on([rate_limits::Column::Key])
    .exec(&txn)
    .await?;
    let tat = current_tat(&txn, &key).await?.unwrap_or(now);
    let verdict = decide(rule, tat, now);
    if let Ok(next) = verdict {
        rate_limits::Entity::update_many()
            .col_expr(rate_limits::Column::Tat, next.into())
            .filter(rate_limits::Column::Key.eq(key))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    verdict.map(|_| ())
}

async fn current_tat(conn: &impl ConnectionTrait, key: &str) -> Result<Option<OffsetDateTime>> {
    use sea_orm::QuerySelect;
    let mut select = rate_limits::Entity::find_by_id(key.to_string());
    if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        select = select.lock_exclusive();
    }
    Ok(select.one(conn).await?.map(|row| row.tat))
}

/// GCRA: the bucket's "theoretical arrival time" moves one interval per attempt; an attempt
/// is refused while that time is more than `burst - 1` intervals ahead of now.
fn decide(rule: Rule, tat: OffsetDateTime, now: OffsetDateTime) -> Result<OffsetDateTime> {
    let start = tat.max(now);
    let allowance = rule.interval * (rule.burst.saturating_sub(1) as i32);
    let ahead = start - now;
    if ahead > allowance {
        let wait = ahead - allowance;
        let seconds = wait.whole_seconds() + i64::from(wait.subsec_nanoseconds() > 0);
        return Err(Error::RateLimited(seconds.max(1) as u64));
    }
    Ok(start + rule.interval)
}

/// Counts one attempt against `rule` for the actor's IP, when the request has one. IPv6
/// clients count per /64: one host usually holds a whole /64 and could walk through it.
pub(crate) async fn hit_ip(
    dir: &Directory,
    rule: Rule,
    actor: &crate::policy::Actor,
) -> Result<()> {
    match &actor.ip {
        Some(ip) => hit(dir, rule, &ip_subject(ip)).await,
        None => Ok(()),
    }
}

/// Counts one password check against an account, whatever name it was typed as (a username
/// and its email share one bucket), and whichever door it came by.
pub(crate) async fn hit_account(dir: &Directory, rule: Rule, account: UserId) -> Result<()> {
    hit(dir, rule, &format!("user:{account}")).await
}

/// Counts one attempt against a typed name that matches no account. Typed names live in a
/// key space of their own, so nobody can type their way into an account's bucket.
pub(crate) async fn hit_typed(dir: &Directory, rule: Rule, typed: &str) -> Result<()> {
    hit(dir, rule, &format!("typed:{typed}")).await
}

/// Counts one second-factor code against an account: a bucket beside the password's, so a
/// password sign-in leaves room for its second step.
pub(crate) async fn hit_second_factor(dir: &Directory, account: UserId) -> Result<()> {
    hit(dir, LOGIN_PER_ACCOUNT, &format!("2fa:{account}")).await
}

/// An IPv4 address as it is; an IPv6 address as its /64 (an IPv4-mapped one as its IPv4).
fn ip_subject(ip: &str) -> String {
    use std::net::IpAddr;
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_string(),
    }
}

/// Deletes buckets nobody has touched for a day (each process may do it; it is idempotent).
pub async fn forget_old(dir: &Directory) -> Result<u64> {
    let cutoff = dir.now() - FORGET_AFTER;
    let result = rate_limits::Entity::delete_many()
        .filter(rate_limits::Column::Tat.lt(cutoff))
        .exec(dir.db())
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    const RULE: Rule = Rule {
        name: "test",
        interval: Duration::seconds(1),
        burst: 3,
    };

    #[test]
    fn a_burst_passes_then_one_per_interval() -> TestResult {
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let mut tat = t0;
        for _ in 0..3 {
            tat = decide(RULE, tat, t0)?;
        }
        match decide(RULE, tat, t0) {
            Err(Error::RateLimited(wait)) => assert_eq!(wait, 1),
            other => panic!("expected a refusal, got {other:?}"),
        }
        let later = t0 + Duration::seconds(1);
        tat = decide(RULE, tat, later)?;
        assert!(decide(RULE, tat, later).is_err());
        Ok(())
    }

    #[test]
    fn an_idle_bucket_refills() -> TestResult {
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let mut tat = t0;
        for _ in 0..3 {
            tat = decide(RULE, tat, t0)?;
        }
        let much_later = t0 + Duration::minutes(5);
        for _ in 0..3 {
            tat = decide(RULE, tat, much_later)?;
        }
        assert!(decide(RULE, tat, much_later).is_err());
        Ok(())
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        assert_eq!(ip_subject("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            ip_subject("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            "2001:db8:1:2::/64"
        );
        assert_ne!(ip_subject("2001:db8:1:3::1"), ip_subject("2001:db8:1:2::1"));
        assert_eq!(ip_subject("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(ip_subject("192.0.2.1"), "192.0.2.1");
    }

    #[test]
    fn the_wait_is_rounded_up_to_whole_seconds() -> TestResult {
        let rule = Rule {
            name: "slow",
            interval: Duration::minutes(5),
            burst: 1,
        };
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let tat = decide(rule, t0, t0)?;
        match decide(rule, tat, t0 + Duration::milliseconds(1500)) {
            Err(Error::RateLimited(wait)) => assert_eq!(wait, 299),
            other => panic!("expected a refusal, got {other:?}"),
        }
        Ok(())
    }
}
