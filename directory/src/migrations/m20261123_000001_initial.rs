//! The first schema: users, sessions, audit log, settings and id counters.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// posix uid and gid numbers start here, above the range Linux distributions hand out.
pub(super) const FIRST_POSIX_ID: i64 = 10_000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_users(manager).await?;
        create_sessions(manager).await?;
        create_audit_log(manager).await?;
        manager
            .create_table(
                Table::create()
                    .table("settings")
                    .col(string("key").primary_key())
                    .col(text("value"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("counters")
                    .col(string("name").primary_key())
                    .col(big_integer("next_value"))
                    .to_owned(),
            )
            .await?;
        let seed = Query::insert()
            .into_table("counters")
            .columns(["name", "next_value"])
            .values_panic(["uid_number".into(), FIRST_POSIX_ID.into()])
            .values_panic(["gid_number".into(), FIRST_POSIX_ID.into()])
            .to_owned();
        manager.exec_stmt(seed).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["counters", "settings", "audit_log", "sessions", "users"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn create_users(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("users")
                .col(uuid("id").primary_key())
                .col(string_uniq("username"))
                .col(string_uniq("email"))
                .col(string_null("fallback_email"))
                .col(string("first_name"))
                .col(string("last_name"))
                .col(string("display_name"))
                .col(string("status"))
                .col(string("role"))
                .col(text_null("password_hash"))
                .col(boolean("must_change_password"))
                .col(big_integer_uniq("uid_number"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("last_login_at"))
                .to_owned(),
        )
        .await?;
    create_indexes(manager, "users", &["status", "role", "created_at"]).await?;
    Ok(())
}

async fn create_sessions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("sessions")
                .col(string("id_hash").primary_key())
                .col(uuid_null("user_id"))
                .col(text("data"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(string_null("ip"))
                .col(string_null("user_agent"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sessions_user")
                        .from("sessions", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    create_indexes(manager, "sessions", &["user_id", "expires_at"]).await?;
    Ok(())
}

async fn create_audit_log(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(uuid_null("actor_id"))
                .col(string_null("actor_name"))
                .col(string("action"))
                .col(string_null("target_type"))
                .col(string_null("target_id"))
                .col(string_null("target_name"))
                .col(string_null("ip"))
                .col(string_null("user_agent"))
                .col(text("details"))
                .to_owned(),
        )
        .await?;
    create_indexes(manager, "audit_log", &["at", "action", "actor_id"]).await?;
    Ok(())
}

/// One plain index per listed column, named `idx_<table>_<column>`.
pub(super) async fn create_indexes(
    manager: &SchemaManager<'_>,
    table: &str,
    columns: &[&str],
) -> Result<(), DbErr> {
    for column in columns {
        let index = Index::create()
            .name(format!("idx_{table}_{column}"))
            .table(String::from(table))
            .col(String::from(*column))
            .to_owned();
        manager.create_index(index).await?;
    }
    Ok(())
}
