//! Services that bring people in: invites, self-registration and sign-up confirmation.

pub mod invites;
pub mod registration;
pub mod signups;
