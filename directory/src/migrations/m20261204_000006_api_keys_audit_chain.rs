//! API keys with their daily use counts, and the audit trail's hash chain: a `hash` on every
//! row and one `audit_chain` row that holds the head (and serialises writers) and the
//! checkpoint retention pruned up to. Rows written before the chain existed are hashed here.

use super::m20261123_000001_initial::create_indexes;
use super::m20261125_000003_mail_invites::{cascading_key, user_key};
use crate::store::audit_chain;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_api_keys(manager).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("audit_log")
                    .add_column(string_null("hash"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_chain")
                    .col(integer("id").primary_key())
                    .col(big_integer("head_id").default(0))
                    .col(string("head_hash"))
                    .col(big_integer("checkpoint_id").default(0))
                    .col(string("checkpoint_hash"))
                    .col(timestamp_with_time_zone_null("verified_at"))
                    .col(big_integer("verified_through_id").default(0))
                    .col(big_integer_null("broken_at_id"))
                    .to_owned(),
            )
            .await?;
        audit_chain::backfill(manager.get_connection()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_chain", "api_key_usage", "api_keys"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("audit_log")
                    .drop_column("hash")
                    .to_owned(),
            )
            .await
    }
}

async fn create_api_keys(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("api_keys")
                .col(uuid("id").primary_key())
                .col(uuid("user_id"))
                .col(string("label"))
                .col(string("prefix"))
                .col(string_uniq("hash"))
                .col(boolean("read_only").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(string_null("last_used_ip"))
                .foreign_key(&mut user_key("api_keys", "user_id"))
                .to_owned(),
        )
        .await?;
    create_indexes(manager, "api_keys", &["user_id"]).await?;
    manager
        .create_table(
            Table::create()
                .table("api_key_usage")
                .col(uuid("key_id"))
                .col(string("day"))
                .col(big_integer("requests").default(0))
                .primary_key(Index::create().col("key_id").col("day"))
                .foreign_key(&mut cascading_key("api_key_usage", "key_id", "api_keys"))
                .to_owned(),
        )
        .await
}
