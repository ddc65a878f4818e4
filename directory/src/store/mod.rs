//! Storage helpers several services share: the handle, the connection, the change signal and
//! caches (the roster of users among them), user rows, memberships, settings rows, ending
//! sessions, the audit trail and the mail queue. They call only into `core` and each other,
//! never up into a service.

pub(crate) mod accounts;
pub mod audit;
pub mod audit_chain;
pub mod audit_search;
pub(crate) mod backup_codes;
pub(crate) mod cache;
pub mod changes;
pub(crate) mod db;
pub mod handle;
pub(crate) mod key_limits;
pub(crate) mod key_usage;
pub(crate) mod memberships;
pub(crate) mod outbox_queue;
pub mod password_policy;
pub(crate) mod posix_ids;
pub(crate) mod roster;
pub(crate) mod session_end;
pub mod settings_rows;
pub(crate) mod signal;
pub(crate) mod targets;
pub mod user_rows;
pub(crate) mod user_tokens;
