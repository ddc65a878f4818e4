//! The `audit_chain` table: one row (id 1) holding the chain's head, the checkpoint retention
//! pruned up to, and the last periodic check's result.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_chain")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// The newest audit row's id and hash; every writer locks this row first.
    pub head_id: i64,
    pub head_hash: String,
    /// Rows up to this id were pruned; the next row chains from this hash.
    pub checkpoint_id: i64,
    pub checkpoint_hash: String,
    pub verified_at: Option<TimeDateTimeWithTimeZone>,
    pub verified_through_id: i64,
    /// The first row the last check found not to match, if any.
    pub broken_at_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
