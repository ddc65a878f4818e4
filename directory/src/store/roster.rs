//! The roster: every user's list columns and group memberships held in memory, so the users
//! lists (the UI's, the REST API's, later the LDAP server's) filter, order and page without a
//! query. It is rebuilt after the directory changes, never patched: one load is the only way
//! in, so it cannot drift from the database.
//!
//! A list asks for the current roster; when there is none (a change came in, it is older than
//! the caches' age limit, or this process cannot hear changes) the list reads the database as
//! before and a rebuild starts in the background: no request waits for a rebuild. Rebuilds
//! start at most once a second after one was thrown away (a change came in while it read), so
//! a directory that changes all the time costs one load a second, not one per list.
//!
//! The roster orders text byte by byte, as SQLite does and PostgreSQL does under the `C`
//! collation. On a PostgreSQL database that orders otherwise it is never used, so a cursor
//! or a page means the same whichever path answered it.

use crate::core::error::Result;
use crate::entities::{group_members, users};
use crate::store::cache::MAX_AGE;
use crate::store::signal::Changes;
use crate::store::user_rows::{User, UserColumns};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// One user as the lists search them: the user, and the searched fields in lower case
/// (lowered once per rebuild, not once per request).
pub(crate) struct Entry {
    pub user: User,
    /// Username, email, display name, first name, last name: what a search term matches.
    pub lowered: [String; 5],
}

/// Every user and membership as of one generation of the change signal.
pub(crate) struct Roster {
    /// The change signal's generation, and this process's quiet changes the lists show, when
    /// it was read.
    seen: (u64, u64),
    built: Instant,
    /// Ordered by username, byte by byte (SQLite's `BINARY`, PostgreSQL's `C` collation), so
    /// keyset paging finds its place by binary search.
    pub users: Vec<Entry>,
    /// The members of each group.
    pub members: HashMap<Uuid, HashSet<Uuid>>,
}

impl Roster {
    /// The position of the first user whose name sorts after `after`.
    pub fn after(&self, after: &str) -> usize {
        self.users
            .partition_point(|entry| entry.user.username.as_str() <= after)
    }

    pub fn in_group(&self, group: Uuid, user: Uuid) -> bool {
        self.members
            .get(&group)
            .is_some_and(|members| members.contains(&user))
    }
}

/// How long after a rebuild was thrown away the next may start.
const RETRY: Duration = Duration::from_secs(1);

/// The roster this process holds, and whether a rebuild is under way.
#[derive(Default)]
pub(crate) struct RosterSlot {
    held: RwLock<Option<Arc<Roster>>>,
    building: AtomicBool,
    /// When the last rebuild was thrown away because a change came in while it read.
    wasted: Mutex<Option<Instant>>,
    /// Whether the database orders text byte by byte, as the roster does (asked once).
    byte_order: OnceLock<bool>,
}

impl RosterSlot {
    fn may_start(&self) -> bool {
        if self.byte_order.get() == Some(&false) {
            return false;
        }
        let wasted = *self.wasted.lock().unwrap_or_else(|p| p.into_inner());
        wasted.is_none_or(|at| at.elapsed() >= RETRY)
    }
}

/// Clears the "rebuild under way" flag however the rebuild ends, a panic included.
pub(crate) struct Building<'a>(&'a RosterSlot);

impl Drop for Building<'_> {
    fn drop(&mut self) {
        self.0.building.store(false, Ordering::Release);
    }
}

impl RosterSlot {
    /// Claims the one rebuild this process may run now, if a rebuild may start at all. The
    /// claimant runs it holding [`RosterSlot::release_on_drop`].
    pub(crate) fn claim_rebuild(&self, changes: &Changes) -> bool {
        changes.live() && self.may_start() && !self.building.swap(true, Ordering::AcqRel)
    }

    pub(crate) fn release_on_drop(&self) -> Building<'_> {
        Building(self)
    }

    /// The roster if no change came in since it was read, and whether it is younger than the
    /// caches' age limit. Past that limit it is still served while its rebuild runs (no change
    /// was heard, so it is as good as any cached value), but never past twice the limit.
    pub(crate) fn current(&self, changes: &Changes) -> Option<(Arc<Roster>, bool)> {
        if !changes.live() {
            return None;
        }
        let held = self.held.read().unwrap_or_else(|p| p.into_inner());
        let roster = held.as_ref().filter(|r| r.seen == seen(changes))?;
        let age = roster.built.elapsed();
        (age < 2 * MAX_AGE).then(|| (roster.clone(), age < MAX_AGE))
    }

    /// Reads the roster and keeps it, unless a change came in while it read.
    pub(crate) async fn rebuild(&self, db: &DatabaseConnection, changes: &Changes) -> Result<()> {
        if !self.orders_bytes(db).await? {
            return Ok(());
        }
        let before = seen(changes);
        let roster = load(db, before).await?;
        // A change that came in while the rows were read may be missing from them.
        if !changes.live() || seen(changes) != before {
            let mut wasted = self.wasted.lock().unwrap_or_else(|p| p.into_inner());
            *wasted = Some(Instant::now());
            return Ok(());
        }
        let mut held = self.held.write().unwrap_or_else(|p| p.into_inner());
        *held = Some(Arc::new(roster));
        Ok(())
    }

    /// Whether the database orders text as the roster does. Asked of the database itself
    /// (not read off its locale name), with strings that every linguistic order sorts
    /// differently from bytes: case, punctuation and accents.
    async fn orders_bytes(&self, db: &DatabaseConnection) -> Result<bool> {
        if let Some(known) = self.byte_order.get() {
            return Ok(*known);
        }
        let known = match db.get_database_backend() {
            DbBackend::Postgres => {
                let sql =
                    "SELECT ('B' < 'a' AND 'a-c' < 'ab' AND 'Z' < '_' AND 'z' < 'é') AS bytes";
                let row = db
                    .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
                    .await?;
                row.map(|row| row.try_get::<bool>("", "bytes"))
                    .transpose()?
                    .unwrap_or(false)
            }
            // SQLite compares text with memcmp unless a column says otherwise; none does.
            _ => true,
        };
        if !known {
            tracing::info!(
                "the database's collation does not order text byte by byte (it is not C): users lists read the database"
            );
        }
        Ok(*self.byte_order.get_or_init(|| known))
    }
}

/// What a roster must have seen to be current: every change any process made, and every
/// quiet one this process made that lists show (other processes' reach it within twice the
/// age limit, and on SQLite within the signal's poll, which hears every commit).
fn seen(changes: &Changes) -> (u64, u64) {
    (changes.generation(), changes.touches())
}

/// Users read per query while loading: the database's rows for a batch are held at once, the
/// roster's for all.
const BATCH: u64 = 1_000;

/// Reads every user and membership in one snapshot, so the two agree; its age counts from
/// before the first read.
async fn load(db: &DatabaseConnection, seen: (u64, u64)) -> Result<Roster> {
    let built = Instant::now();
    let txn = crate::store::db::snapshot(db).await?;
    let mut users = Vec::new();
    loop {
        let mut batch = users::Entity::find()
            .order_by_asc(users::Column::Username)
            .limit(BATCH);
        if let Some(last) = users.last() {
            let last: &Entry = last;
            batch = batch.filter(users::Column::Username.gt(last.user.username.as_str()));
        }
        let rows = batch.into_partial_model::<UserColumns>().all(&txn).await?;
        let full = rows.len() as u64 == BATCH;
        for row in rows {
            users.push(entry(User::from_columns(row)?));
        }
        if !full {
            break;
        }
        // Lets the requests waiting on this worker thread run between batches.
        tokio::task::yield_now().await;
    }
    let memberships = group_members::Entity::find().all(&txn).await?;
    txn.commit().await?;
    // The database's order already; sorted again so the binary search cannot depend on it.
    users.sort_by(|a, b| a.user.username.as_str().cmp(b.user.username.as_str()));
    let mut members: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for row in memberships {
        members.entry(row.group_id).or_default().insert(row.user_id);
    }
    Ok(Roster {
        seen,
        built,
        users,
        members,
    })
}

fn entry(user: User) -> Entry {
    let lowered = [
        user.username.as_str().to_lowercase(),
        user.email.as_str().to_lowercase(),
        user.display_name.to_lowercase(),
        user.first_name.to_lowercase(),
        user.last_name.to_lowercase(),
    ];
    Entry { user, lowered }
}
