//! sea-orm entities: the tables as rows. Services turn them into domain types.

pub mod api_key_usage;
pub mod api_keys;
pub mod audit_chain;
pub mod audit_log;
pub mod avatars;
pub mod backup_codes;
pub mod counters;
pub mod group_members;
pub mod groups;
pub mod invites;
pub mod outbox;
pub mod password_history;
pub mod rate_limits;
pub mod second_factor_failures;
pub mod sessions;
pub mod settings;
pub mod signups;
pub mod temp_logins;
pub mod user_tokens;
pub mod users;
