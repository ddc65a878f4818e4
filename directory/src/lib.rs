//! Gatehouse's domain: the directory of users with its rules, storage and audit trail.
//!
//! Every change takes one way through: a transport builds an [`policy::Actor`], calls one
//! service method here, the service asks [`policy::require`] once, then writes the change and its
//! audit row in one transaction. This crate knows no HTTP, no UI and no LDAP.
//!
//! The modules stand in three layers, each calling only downward (`tests/layers.rs` keeps it so):
//! [`core`] is pure (no database), [`store`] holds the storage helpers several services share,
//! and the services sit on top in folders by concern. Their old flat paths (`directory::users`,
//! …) are re-exported here, so the doors outside the crate need not know the folders.

pub mod access;
pub mod core;
pub mod entities;
pub mod instance;
pub mod migrations;
pub mod onboarding;
pub mod people;
pub mod store;

pub use access::{
    abilities, api_keys, auth, identity, mfa, rate_limit, recovery, session_list, sessions,
    temp_logins,
};
pub use core::{clock, error, ids, mail, passwords, policy, qr, secrets, tokens, totp};
pub use instance::{outbox, settings, setup};
pub use onboarding::{invites, registration, signups};
pub use people::{avatars, groups, profile, user_admin, user_list, users};
pub use store::{audit, audit_search, changes, password_policy};

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, Kind as ErrorKind, Result};
pub use identity::{Facts, Hold, Resolved};
pub use ids::{Email, GroupId, UserId, Username};
pub use policy::{Actor, Impersonator, Permission, Principal, Role};
pub use secrets::{SecretKey, SecretString};
pub use store::handle::{Directory, Options};
pub use store::user_rows::{Status, User};
pub use vocab::rules;

/// The service views, one per concern. They live here, at the top, because each names a
/// service; the handle itself ([`store::handle`]) stays below them all.
impl Directory {
    pub fn users(&self) -> users::Users<'_> {
        users::Users { dir: self }
    }

    pub fn auth(&self) -> auth::Auth<'_> {
        auth::Auth { dir: self }
    }

    pub fn setup(&self) -> setup::Setup<'_> {
        setup::Setup { dir: self }
    }

    pub fn sessions(&self) -> sessions::Sessions<'_> {
        sessions::Sessions { dir: self }
    }

    pub fn audit(&self) -> audit::Audit<'_> {
        audit::Audit { dir: self }
    }

    pub fn groups(&self) -> groups::Groups<'_> {
        groups::Groups { dir: self }
    }

    pub fn profile(&self) -> profile::Profile<'_> {
        profile::Profile { dir: self }
    }

    pub fn settings(&self) -> settings::Settings<'_> {
        settings::Settings { dir: self }
    }

    pub fn avatars(&self) -> avatars::Avatars<'_> {
        avatars::Avatars { dir: self }
    }

    pub fn outbox(&self) -> outbox::Outbox<'_> {
        outbox::Outbox { dir: self }
    }

    pub fn invites(&self) -> invites::Invites<'_> {
        invites::Invites { dir: self }
    }

    pub fn recovery(&self) -> recovery::Recovery<'_> {
        recovery::Recovery { dir: self }
    }

    pub fn mfa(&self) -> mfa::Mfa<'_> {
        mfa::Mfa { dir: self }
    }

    pub fn temp_logins(&self) -> temp_logins::TempLogins<'_> {
        temp_logins::TempLogins { dir: self }
    }

    pub fn registration(&self) -> registration::Registration<'_> {
        registration::Registration { dir: self }
    }
}
