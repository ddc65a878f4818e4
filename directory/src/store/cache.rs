//! What each process keeps in memory between requests: the settings and the users behind
//! live sessions. Both are dropped whenever the directory changes (see [`crate::changes`]),
//! and nothing is served from here while this process cannot hear about changes.

use crate::ids::UserId;
use crate::store::settings_rows::SettingsView;
use crate::store::signal::Changes;
use crate::store::user_rows::User;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// Enough for every signed-in user of a large directory; past it the map starts over.
const MAX_USERS: usize = 50_000;
/// The longest anything is served from here, whatever the signal says: a listening
/// connection can die without an error (a half-open socket, a pooler that swallows
/// notices), and a suspension must still reach every process within seconds.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(5);

struct Held {
    generation: u64,
    /// When this generation's first value was read from the database.
    since: Instant,
    settings: Option<SettingsView>,
    /// `None` for an id with no active account (deleted, suspended, pending).
    users: HashMap<UserId, Option<User>>,
    /// API keys by their hash; `None` for a hash that names no key.
    keys: HashMap<String, Option<crate::entities::api_keys::Model>>,
}

impl Held {
    fn new(generation: u64) -> Self {
        Self {
            generation,
            since: Instant::now(),
            settings: None,
            users: HashMap::new(),
            keys: HashMap::new(),
        }
    }
}

impl Default for Held {
    fn default() -> Self {
        Self::new(u64::MAX)
    }
}

#[derive(Default)]
pub(crate) struct Cache {
    held: RwLock<Held>,
}

impl Cache {
    /// The held value, if it is still current.
    fn read<T>(&self, changes: &Changes, pick: impl FnOnce(&Held) -> Option<T>) -> Option<T> {
        if !changes.live() {
            return None;
        }
        let held = self.held.read().unwrap_or_else(|p| p.into_inner());
        let current = held.generation == changes.generation() && held.since.elapsed() < MAX_AGE;
        current.then(|| pick(&held)).flatten()
    }

    /// Keeps a value read from the database at generation `seen`, unless a change came in
    /// since (the value may then be older than that change).
    fn keep(&self, changes: &Changes, seen: u64, put: impl FnOnce(&mut Held)) {
        if !changes.live() || changes.generation() != seen {
            return;
        }
        let mut held = self.held.write().unwrap_or_else(|p| p.into_inner());
        if held.generation != seen || held.since.elapsed() >= MAX_AGE {
            *held = Held::new(seen);
        }
        put(&mut held);
    }

    pub(crate) fn settings(&self, changes: &Changes) -> Option<SettingsView> {
        self.read(changes, |held| held.settings.clone())
    }

    pub(crate) fn keep_settings(&self, changes: &Changes, seen: u64, settings: &SettingsView) {
        self.keep(changes, seen, |held| held.settings = Some(settings.clone()));
    }

    pub(crate) fn session_user(&self, changes: &Changes, id: UserId) -> Option<Option<User>> {
        self.read(changes, |held| held.users.get(&id).cloned())
    }

    pub(crate) fn keep_session_user(
        &self,
        changes: &Changes,
        seen: u64,
        id: UserId,
        user: &Option<User>,
    ) {
        self.keep(changes, seen, |held| {
            if held.users.len() >= MAX_USERS {
                held.users.clear();
            }
            held.users.insert(id, user.clone());
        });
    }

    pub(crate) fn api_key(
        &self,
        changes: &Changes,
        hash: &str,
    ) -> Option<Option<crate::entities::api_keys::Model>> {
        self.read(changes, |held| held.keys.get(hash).cloned())
    }

    pub(crate) fn keep_api_key(
        &self,
        changes: &Changes,
        seen: u64,
        hash: &str,
        key: &Option<crate::entities::api_keys::Model>,
    ) {
        self.keep(changes, seen, |held| {
            if held.keys.len() >= MAX_USERS {
                held.keys.clear();
            }
            held.keys.insert(hash.to_string(), key.clone());
        });
    }
}
