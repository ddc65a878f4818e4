//! Services about the installation itself: its settings, the first-run setup and the mail
//! outbox an admin watches and the sender drains.

pub mod outbox;
pub mod settings;
pub mod setup;
