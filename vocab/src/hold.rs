//! Steps that hold a signed-in person until they take them.

use serde::{Deserialize, Serialize};

/// A step a signed-in person must take before anything else; each door shows it its own way
/// (a page redirects, a call is refused, OIDC sends them to finish it, LDAP refuses the bind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Hold {
    /// Signed in with a temporary password (or one past its age): choose a new one.
    PasswordChange,
    /// Two-factor authentication is mandatory and this user has none yet: set it up.
    MfaSetup,
}
