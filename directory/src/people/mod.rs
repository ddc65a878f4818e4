//! Services about people and their groups: accounts, the admin's actions on them, listing,
//! profiles, avatars and groups.

pub mod avatars;
pub mod groups;
pub mod profile;
pub mod user_admin;
pub mod user_list;
pub mod users;
