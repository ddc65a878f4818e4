//! The words every crate shares: roles, permissions, account statuses and input rules.
//!
//! Both the server (through `directory`) and the browser bundle (through `app`) compile this
//! crate, so it holds no database, HTTP or UI code: only `core`/`std` and serde.

pub mod abilities;
pub mod hold;
pub mod roles;
pub mod rules;
pub mod status;

pub use abilities::{GroupCan, UserCan};
pub use hold::Hold;
pub use roles::{Permission, Role};
pub use status::Status;

/// A name that is not one of a closed set (a role, a status): the form field it came from and
/// the sentence to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    pub field: &'static str,
    pub message: String,
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnknownName {}
