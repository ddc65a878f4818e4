//! The pure bottom layer: ids, time, errors, the permission check, tokens, secrets,
//! hashing and the letters mails are made from. Nothing here touches the database or calls
//! a service.

pub mod clock;
pub mod error;
pub mod ids;
pub mod mail;
pub mod paging;
pub mod passwords;
pub mod policy;
pub mod qr;
pub(crate) mod sealed;
pub mod secrets;
pub mod tokens;
pub mod totp;
pub mod user_agent;
