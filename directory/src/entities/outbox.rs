//! The `outbox` table: every mail, written with the change that caused it, until sent.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub to_address: String,
    pub user_id: Option<Uuid>,
    /// The invite whose link the mail carries: only those who may grant it see the link.
    pub invite_id: Option<Uuid>,
    pub subject: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub text_body: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub html_body: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub link: Option<String>,
    pub status: String,
    pub attempts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub next_attempt_at: TimeDateTimeWithTimeZone,
    pub locked_until: Option<TimeDateTimeWithTimeZone>,
    pub expires_at: Option<TimeDateTimeWithTimeZone>,
    pub sent_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
