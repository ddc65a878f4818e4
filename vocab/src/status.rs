//! Where an account stands: only active accounts sign in anywhere.

use crate::UnknownName;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Active,
    Suspended,
}

impl Status {
    pub const ALL: [Status; 3] = [Self::Pending, Self::Active, Self::Suspended];

    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }

    /// Parses a status typed into a filter or form.
    pub fn parse(name: &str) -> Result<Self, UnknownName> {
        Self::ALL
            .into_iter()
            .find(|status| status.name() == name)
            .ok_or_else(|| UnknownName {
                field: "status",
                message: format!("Unknown status \"{name}\"; use pending, active or suspended."),
            })
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_serde_uses_them() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.name()), Ok(status));
        }
        assert_eq!(Status::parse("gone").unwrap_err().field, "status");
    }
}
