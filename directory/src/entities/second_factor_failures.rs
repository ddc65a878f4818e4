//! The `second_factor_failures` table: wrong second-factor codes per account, in a row and
//! per day, and the lock they lead to.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "second_factor_failures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// Wrong codes since the last right one.
    pub streak: i32,
    /// Half-done sign-ins started at or before this time are void.
    pub voided_at: Option<TimeDateTimeWithTimeZone>,
    pub day_started_at: Option<TimeDateTimeWithTimeZone>,
    /// Wrong codes since `day_started_at`.
    pub day_count: i32,
    pub locked_until: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
