//! The `users` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub username: String,
    #[sea_orm(unique)]
    pub email: String,
    pub fallback_email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub status: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    #[sea_orm(unique)]
    pub uid_number: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub last_login_at: Option<TimeDateTimeWithTimeZone>,
    pub password_changed_at: Option<TimeDateTimeWithTimeZone>,
    /// The TOTP key, sealed (see `sealed.rs`); set during setup, live once `totp_enabled_at` is.
    #[sea_orm(column_type = "Text", nullable)]
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<TimeDateTimeWithTimeZone>,
    /// The last time step a code was accepted for: codes from it or before are replays.
    pub totp_last_step: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
