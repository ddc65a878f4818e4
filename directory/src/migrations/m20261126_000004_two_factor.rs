//! Two-factor authentication (TOTP on the user row, backup codes), temporary sign-in
//! passwords (impersonation, owner recovery), and who an audited action was on behalf of.

use super::m20261123_000001_initial::create_indexes;
use super::m20261125_000003_mail_invites::user_key;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Added one at a time: SQLite alters one column per statement.
const USER_COLUMNS: [&str; 3] = ["totp_secret", "totp_enabled_at", "totp_last_step"];
const AUDIT_COLUMNS: [&str; 2] = ["on_behalf_of_id", "on_behalf_of_name"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let user_columns = [
            text_null("totp_secret"),
            timestamp_with_time_zone_null("totp_enabled_at"),
            big_integer_null("totp_last_step"),
        ];
        for column in user_columns {
            add_column(manager, "users", column).await?;
        }
        for column in [
            uuid_null("on_behalf_of_id"),
            string_null("on_behalf_of_name"),
        ] {
            add_column(manager, "audit_log", column).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("backup_codes")
                    .col(big_integer("id").auto_increment().primary_key())
                    .col(uuid("user_id"))
                    .col(string("code_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut user_key("backup_codes", "user_id"))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, "backup_codes", &["user_id"]).await?;
        manager
            .create_table(
                Table::create()
                    .table("temp_logins")
                    .col(big_integer("id").auto_increment().primary_key())
                    .col(uuid("user_id"))
                    .col(string_uniq("secret_hash"))
                    .col(string("kind"))
                    .col(uuid_null("issued_by"))
                    .col(string_null("issued_by_name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut user_key("temp_logins", "user_id"))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, "temp_logins", &["user_id", "expires_at"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["temp_logins", "backup_codes"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in AUDIT_COLUMNS {
            drop_column(manager, "audit_log", column).await?;
        }
        for column in USER_COLUMNS {
            drop_column(manager, "users", column).await?;
        }
        Ok(())
    }
}

async fn add_column(
    manager: &SchemaManager<'_>,
    table: &str,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(table.to_string())
                .add_column(column)
                .to_owned(),
        )
        .await
}

async fn drop_column(manager: &SchemaManager<'_>, table: &str, column: &str) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(table.to_string())
                .drop_column(column.to_string())
                .to_owned(),
        )
        .await
}
