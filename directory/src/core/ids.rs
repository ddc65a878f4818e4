//! Typed identifiers and validated names, so a function that takes one never re-checks it.

use crate::error::Error;
use crate::rules;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user's stable id (the LDAP `entryUUID`; never reused, never changes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub Uuid);

impl UserId {
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }
}

impl Default for UserId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Only the hyphenated form (36 characters) is an id: paths take an id or a username, and a
/// username of 32 hex digits must never be read as someone else's id.
impl std::str::FromStr for UserId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 36 {
            // Any parse error will do; this one names the length.
            return Uuid::parse_str("-").map(Self);
        }
        Uuid::parse_str(s).map(Self)
    }
}

/// A group's stable id (its LDAP `entryUUID`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GroupId(pub Uuid);

impl GroupId {
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }
}

impl Default for GroupId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for GroupId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for GroupId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// A username that passed [`rules::normalize_username`]: lower case, 2–32 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, Error> {
        rules::normalize_username(input)
            .map(Self)
            .map_err(|problem| Error::invalid("username", problem.message()))
    }

    /// For names read back from the database, which were checked when written.
    pub(crate) fn from_stored(name: String) -> Self {
        Self(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address that passed [`rules::normalize_email`]: trimmed, lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, Error> {
        rules::normalize_email(input)
            .map(Self)
            .map_err(|message| Error::invalid("email", message))
    }

    pub(crate) fn from_stored(email: String) -> Self {
        Self(email)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_hyphenated_form_is_a_user_id() {
        let id = UserId::new();
        assert_eq!(id.to_string().parse::<UserId>().ok(), Some(id));
        assert!(id.0.simple().to_string().parse::<UserId>().is_err());
    }

    #[test]
    fn username_parse_reports_the_field() {
        let err = Username::parse("admin").unwrap_err();
        assert_eq!(err.field(), Some("username"));
        assert_eq!(Username::parse("Ada").unwrap().as_str(), "ada");
    }

    #[test]
    fn email_parse_reports_the_field() {
        assert_eq!(Email::parse("nope").unwrap_err().field(), Some("email"));
        assert_eq!(Email::parse("A@B.io").unwrap().as_str(), "a@b.io");
    }

    #[test]
    fn user_ids_round_trip_through_text() {
        let id = UserId::new();
        assert_eq!(id.to_string().parse::<UserId>().unwrap(), id);
    }
}
