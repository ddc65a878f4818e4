//! The one error type of the domain; each transport maps it once to its own answers.

// The permission names come from the shared vocabulary, below the permission check itself.
use vocab::Permission;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; `field` names the form field when there is one.
    #[error("{message}")]
    Invalid {
        field: Option<&'static str>,
        message: String,
    },
    /// The change clashes with what exists (a taken username, a GID in use).
    #[error("{0}")]
    Conflict(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// No one is signed in, or the sign-in has ended.
    #[error("sign in first")]
    Unauthenticated,
    /// Wrong username or password: the same answer whether the account exists or not.
    #[error("Incorrect username or password.")]
    InvalidCredentials,
    /// The password was right but the account may not sign in (pending or suspended).
    #[error("{}", inactive_message(*.0))]
    AccountInactive(vocab::Status),
    #[error("You do not have the {0} permission.")]
    Forbidden(Permission),
    /// The permission is there but this target is out of reach (an owner, oneself, …).
    #[error("{0}")]
    NotAllowed(String),
    /// A one-time link that does not (or no longer) work.
    #[error("{}", .0.message())]
    Link(crate::tokens::LinkProblem),
    /// Too many attempts; try again after this many seconds.
    #[error("Too many attempts. Try again in {0} seconds.")]
    RateLimited(u64),
    /// The second step of a sign-in came too late, or its session is gone.
    #[error("Your sign-in took too long. Enter your password again.")]
    SignInExpired,
    /// Too many wrong second-factor codes in a row: the half-done sign-in is void.
    #[error("Too many wrong codes. Enter your password again.")]
    SignInVoided,
    /// The server is at its limit for slow work (password hashing); try again shortly.
    #[error("The server is busy. Try again in {0} seconds.")]
    Busy(u64),
    /// An API key that may not be used (or not for this).
    #[error("{}", .0.message())]
    Key(KeyProblem),
    /// First-run setup was asked for after an owner exists.
    #[error("setup is already complete")]
    SetupComplete,
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

/// What sort of failure an error is: every door maps these, not the variants, to its own
/// answers (an HTTP status, an LDAP result code, an OAuth error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The input breaks a rule (HTTP 422, with the field when there is one).
    Invalid,
    /// Nobody, or not the right somebody, is signed in (401).
    Unauthenticated,
    /// The actor may not do this (403).
    Forbidden,
    /// The thing does not exist, or no longer works (404).
    NotFound,
    /// The change clashes with what exists (409).
    Conflict,
    /// Too many attempts: try again after the given seconds (429).
    RateLimited { retry_after: u64 },
    /// The server cannot take this now: try again after the given seconds (503).
    Unavailable { retry_after: u64 },
    /// Our fault; the details are in the log (500).
    Internal,
}

/// A policy answer as yes or no: a refusal (unauthenticated, forbidden, not allowed) is
/// `false`; anything else, such as the database failing, stays an error.
pub(crate) fn allowed<T>(answer: Result<T>) -> Result<bool> {
    match answer {
        Ok(_) => Ok(true),
        Err(Error::Unauthenticated | Error::Forbidden(_) | Error::NotAllowed(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

impl From<vocab::UnknownName> for Error {
    fn from(unknown: vocab::UnknownName) -> Self {
        Self::Invalid {
            field: Some(unknown.field),
            message: unknown.message,
        }
    }
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: Some(field),
            message: message.into(),
        }
    }

    /// A stable machine-readable code for API clients and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid_input",
            Self::Conflict(_) => "conflict",
            Self::NotFound(_) => "not_found",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            // One code per status, so a page can say which from the code alone.
            Self::AccountInactive(vocab::Status::Pending) => "account_pending",
            Self::AccountInactive(vocab::Status::Suspended) => "account_suspended",
            Self::AccountInactive(_) => "account_inactive",
            Self::Forbidden(_) | Self::NotAllowed(_) => "forbidden",
            Self::SetupComplete => "setup_complete",
            Self::SignInExpired | Self::SignInVoided => "sign_in_expired",
            Self::Busy(_) => "busy",
            Self::Link(problem) => problem.code(),
            Self::Key(problem) => problem.code(),
            Self::RateLimited(_) => "rate_limited",
            Self::Database(_) | Self::Internal(_) => "internal",
        }
    }

    /// The sort of failure, for the doors to map.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Invalid { .. } => Kind::Invalid,
            Self::Unauthenticated
            | Self::InvalidCredentials
            | Self::SignInExpired
            | Self::SignInVoided => Kind::Unauthenticated,
            Self::AccountInactive(_) | Self::Forbidden(_) | Self::NotAllowed(_) => Kind::Forbidden,
            Self::NotFound(_) | Self::SetupComplete | Self::Link(_) => Kind::NotFound,
            Self::Conflict(_) => Kind::Conflict,
            Self::Key(KeyProblem::ReadOnly) => Kind::Forbidden,
            Self::Key(_) => Kind::Unauthenticated,
            Self::RateLimited(seconds) => Kind::RateLimited {
                retry_after: *seconds,
            },
            Self::Busy(seconds) => Kind::Unavailable {
                retry_after: *seconds,
            },
            Self::Database(_) | Self::Internal(_) => Kind::Internal,
        }
    }

    /// The form field the error is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } => *field,
            _ => None,
        }
    }

    /// The sentence safe to show anyone: internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            Self::Database(_) | Self::Internal(_) => {
                "Something went wrong on our side. Please try again.".to_string()
            }
            other => other.to_string(),
        }
    }

    /// Turns a unique-constraint violation into a conflict with a clear message.
    pub(crate) fn from_unique(err: sea_orm::DbErr, message: impl Into<String>) -> Self {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Self::Conflict(message.into()),
            _ => Self::Database(err),
        }
    }
}

/// Why an API key was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyProblem {
    /// No such key (or not a key at all).
    Unknown,
    Expired,
    Revoked,
    /// The key's owner is suspended or waiting for approval.
    OwnerInactive,
    /// A read-only key was used for a change.
    ReadOnly,
}

impl KeyProblem {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unknown => "key_unknown",
            Self::Expired => "key_expired",
            Self::Revoked => "key_revoked",
            Self::OwnerInactive => "key_owner_inactive",
            Self::ReadOnly => "key_read_only",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::Unknown => "This API key is not valid.",
            Self::Expired => "This API key has expired.",
            Self::Revoked => "This API key was revoked.",
            Self::OwnerInactive => "The owner of this API key may not sign in.",
            Self::ReadOnly => "This API key is read-only.",
        }
    }
}

/// Why an account whose password was right may not sign in.
fn inactive_message(status: vocab::Status) -> &'static str {
    match status {
        vocab::Status::Pending => "This account is waiting for an administrator's approval.",
        vocab::Status::Suspended => "This account is suspended. Contact an administrator.",
        vocab::Status::Active => "This account cannot sign in.",
    }
}
