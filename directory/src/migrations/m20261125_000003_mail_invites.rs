//! Mail outbox, invites, one-time user tokens (resets, email changes), password history,
//! rate-limit buckets, and when each password was set.

use super::m20261123_000001_initial::create_indexes;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(timestamp_with_time_zone_null("password_changed_at"))
                    .to_owned(),
            )
            .await?;
        create_outbox(manager).await?;
        create_invites(manager).await?;
        create_user_tokens(manager).await?;
        manager
            .create_table(
                Table::create()
                    .table("password_history")
                    .col(big_integer("id").auto_increment().primary_key())
                    .col(uuid("user_id"))
                    .col(string("password_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut user_key("password_history", "user_id"))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, "password_history", &["user_id"]).await?;
        manager
            .create_table(
                Table::create()
                    .table("rate_limits")
                    .col(string("key").primary_key())
                    .col(timestamp_with_time_zone("tat"))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, "rate_limits", &["tat"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "rate_limits",
            "password_history",
            "user_tokens",
            "invites",
            "outbox",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .drop_column("password_changed_at")
                    .to_owned(),
            )
            .await
    }
}

pub(super) fn user_key(table: &str, column: &str) -> ForeignKeyCreateStatement {
    cascading_key(table, column, "users")
}

/// `table.column` refers to `to.id`, and goes when its row goes.
pub(super) fn cascading_key(table: &str, column: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(String::from(table), String::from(column))
        .to(String::from(to), "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn create_outbox(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("outbox")
                .col(big_integer("id").auto_increment().primary_key())
                .col(string("kind"))
                .col(string("to_address"))
                .col(uuid_null("user_id"))
                .col(string("subject"))
                .col(text_null("text_body"))
                .col(text_null("html_body"))
                .col(text_null("link"))
                .col(string("status"))
                .col(integer("attempts").default(0))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .to_owned(),
        )
        .await?;
    create_indexes(manager, "outbox", &["status", "next_attempt_at"]).await
}

async fn create_invites(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("invites")
                .col(uuid("id").primary_key())
                .col(string("email"))
                .col(string("role"))
                .col(text("group_ids"))
                .col(string_uniq("token_hash"))
                .col(uuid_null("invited_by"))
                .col(string("invited_by_name"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone("sent_at"))
                .col(timestamp_with_time_zone_null("accepted_at"))
                .col(uuid_null("accepted_by"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .to_owned(),
        )
        .await?;
    create_indexes(manager, "invites", &["email", "created_at"]).await
}

async fn create_user_tokens(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("user_tokens")
                .col(string("token_hash").primary_key())
                .col(uuid("user_id"))
                .col(string("purpose"))
                .col(string_null("new_email"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .col(timestamp_with_time_zone_null("replaced_at"))
                .foreign_key(&mut user_key("user_tokens", "user_id"))
                .to_owned(),
        )
        .await?;
    create_indexes(manager, "user_tokens", &["user_id"]).await
}
