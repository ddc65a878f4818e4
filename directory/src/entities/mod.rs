//! sea-orm entities: the tables as rows. Services turn them into domain types.

pub mod audit_log;
pub mod avatars;
pub mod counters;
pub mod group_members;
pub mod groups;
pub mod sessions;
pub mod settings;
pub mod users;
