//! tower-sessions' store over the directory's session records (so sessions survive restarts
//! and are shared by every process on one database).

use async_trait::async_trait;
use directory::Directory;
use directory::sessions::{IP_KEY, SessionRecord, USER_AGENT_KEY, USER_KEY, hash_id};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// A session's contents, as tower-sessions holds them.
type Data = HashMap<String, serde_json::Value>;

/// How far a session's idle expiry may lag behind its last use: a signed-in request that
/// changes nothing in the session then costs one read, not a read and a write.
const TOUCH_EVERY: time::Duration = time::Duration::minutes(1);
/// More sessions loaded and not yet saved than this means saves are not coming (requests
/// that ended early): start over rather than grow.
const MAX_LOADED: usize = 10_000;

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    dir: Directory,
    /// What each session held when this process loaded it, to tell a save that only moves
    /// the expiry a little from one that must be written.
    loaded: Arc<Mutex<HashMap<Id, (Data, time::OffsetDateTime)>>>,
}

impl DbSessionStore {
    pub fn new(dir: Directory) -> Self {
        Self {
            dir,
            loaded: Arc::default(),
        }
    }

    fn remember(&self, id: Id, data: Data, expires_at: time::OffsetDateTime) {
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if loaded.len() >= MAX_LOADED {
            loaded.clear();
        }
        loaded.insert(id, (data, expires_at));
    }

    /// Whether saving `record` would change only its expiry, and by less than [`TOUCH_EVERY`].
    fn unchanged(&self, record: &Record, stored: &SessionRecord) -> bool {
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        match loaded.remove(&record.id) {
            Some((data, expires_at)) => {
                data == record.data && stored.expires_at - expires_at < TOUCH_EVERY
            }
            None => false,
        }
    }
}

fn backend(err: directory::Error) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

/// Copies what the directory queries by (whose session, from where) out of the session data.
/// tower-sessions dates the expiry by the wall clock; it is stored on the directory's clock,
/// the one that judges what has expired, so a session lasts its week however that clock is
/// set (a test's clock may be days ahead of the wall).
fn to_record(dir: &Directory, record: &Record) -> Result<SessionRecord, session_store::Error> {
    let text = |key: &str| {
        record
            .data
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    Ok(SessionRecord {
        id_hash: hash_id(&record.id.to_string()),
        user_id: record
            .data
            .get(USER_KEY)
            .and_then(|v| serde_json::from_value(v.clone()).ok()),
        data: serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?,
        expires_at: dir.now() + (record.expiry_date - time::OffsetDateTime::now_utc()),
        ip: text(IP_KEY),
        user_agent: text(USER_AGENT_KEY).map(|ua| ua.chars().take(256).collect()),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // 128 random bits make a clash all but impossible; on one, draw again.
        loop {
            if self
                .dir
                .sessions()
                .create(&to_record(&self.dir, record)?)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let stored = to_record(&self.dir, record)?;
        if self.unchanged(record, &stored) {
            return Ok(());
        }
        self.dir.sessions().save(&stored).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(stored) = self
            .dir
            .sessions()
            .load(&hash_id(&id.to_string()))
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data: Data = serde_json::from_str(&stored.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        self.remember(*id, data.clone(), stored.expires_at);
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: stored.expires_at,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.dir
            .sessions()
            .delete(&hash_id(&id.to_string()))
            .await
            .map_err(backend)
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let removed = self
            .dir
            .sessions()
            .delete_expired()
            .await
            .map_err(backend)?;
        if removed > 0 {
            tracing::debug!(removed, "deleted expired sessions");
        }
        Ok(())
    }
}
