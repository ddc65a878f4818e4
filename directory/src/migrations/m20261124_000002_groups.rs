//! Groups with posix GIDs and their members, the two built-in groups, and avatars.

use super::m20261123_000001_initial::{FIRST_POSIX_ID, create_indexes};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The built-in groups: every user joins `ldapusers`; `sysadmins` members are admins.
const BUILTIN: [(&str, &str, bool); 2] = [
    (
        "ldapusers",
        "Every user. Apps can require this group to let anyone in.",
        false,
    ),
    (
        "sysadmins",
        "Members manage the directory with the admin role's permissions.",
        true,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_groups(manager).await?;
        create_members(manager).await?;
        manager
            .create_table(
                Table::create()
                    .table("avatars")
                    .col(uuid("user_id").primary_key())
                    .col(string("content_type"))
                    .col(blob("data"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_avatars_user")
                            .from("avatars", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        seed_builtin_groups(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["avatars", "group_members", "groups"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        let reset = Query::update()
            .table("counters")
            .value("next_value", FIRST_POSIX_ID)
            .and_where(Expr::col("name").eq("gid_number"))
            .to_owned();
        manager.exec_stmt(reset).await
    }
}

async fn create_groups(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("groups")
                .col(uuid("id").primary_key())
                .col(string_uniq("name"))
                .col(text("description"))
                .col(big_integer_uniq("gid_number"))
                .col(boolean("is_admin"))
                .col(boolean("builtin"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await
}

async fn create_members(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("group_members")
                .col(uuid("group_id"))
                .col(uuid("user_id"))
                .col(timestamp_with_time_zone("added_at"))
                .primary_key(Index::create().col("group_id").col("user_id"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_group_members_group")
                        .from("group_members", "group_id")
                        .to("groups", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_group_members_user")
                        .from("group_members", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    create_indexes(manager, "group_members", &["user_id"]).await
}

/// Creates the built-in groups with the first GIDs and puts every existing user in
/// `ldapusers`, as if the group had been there when they were created.
async fn seed_builtin_groups(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let now = time::OffsetDateTime::now_utc();
    let mut next_gid = FIRST_POSIX_ID;
    for (name, description, is_admin) in BUILTIN {
        let id = uuid::Uuid::new_v4();
        let insert = Query::insert()
            .into_table("groups")
            .columns([
                "id",
                "name",
                "description",
                "gid_number",
                "is_admin",
                "builtin",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                id.into(),
                name.into(),
                description.into(),
                next_gid.into(),
                is_admin.into(),
                true.into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        manager.exec_stmt(insert).await?;
        next_gid += 1;
        if name == "ldapusers" {
            let members = Query::select()
                .expr(Expr::val(id))
                .column("id")
                .column("created_at")
                .from("users")
                .to_owned();
            let insert = Query::insert()
                .into_table("group_members")
                .columns(["group_id", "user_id", "added_at"])
                .select_from(members)
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
    }
    let counter = Query::update()
        .table("counters")
        .value("next_value", next_gid)
        .and_where(Expr::col("name").eq("gid_number"))
        .to_owned();
    manager.exec_stmt(counter).await
}
