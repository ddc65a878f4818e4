//! Services about getting in and staying in: sign-in, sessions, identity resolution, what a
//! person may do, two-factor authentication, rate limits, temporary logins and recovery.

pub mod abilities;
pub mod api_keys;
pub mod auth;
pub mod identity;
pub mod mfa;
pub(crate) mod mfa_guard;
pub mod rate_limit;
pub mod recovery;
pub mod session_list;
pub mod sessions;
pub mod temp_logins;
