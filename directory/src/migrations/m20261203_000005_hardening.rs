//! Security review fixes: which invite an outbox mail carries (so its link is shown only to
//! those who may grant it), second-factor failure counts, and open registrations waiting for
//! their address to be confirmed.

use super::m20261123_000001_initial::create_indexes;
use super::m20261125_000003_mail_invites::user_key;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("outbox")
                    .add_column(uuid_null("invite_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("second_factor_failures")
                    .col(uuid("user_id").primary_key())
                    .col(integer("streak").default(0))
                    .col(timestamp_with_time_zone_null("voided_at"))
                    .col(timestamp_with_time_zone_null("day_started_at"))
                    .col(integer("day_count").default(0))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .foreign_key(&mut user_key("second_factor_failures", "user_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("signups")
                    .col(uuid("id").primary_key())
                    .col(string_uniq("token_hash"))
                    .col(string("username"))
                    .col(string("email"))
                    .col(string("first_name"))
                    .col(string("last_name"))
                    .col(text("password_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, "signups", &["expires_at"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["signups", "second_factor_failures"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("outbox")
                    .drop_column("invite_id")
                    .to_owned(),
            )
            .await
    }
}
