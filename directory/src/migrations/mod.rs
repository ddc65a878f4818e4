//! Schema migrations, applied at start and by `gatehouse migrate`.

use sea_orm_migration::prelude::*;

mod m20261123_000001_initial;
mod m20261124_000002_groups;
mod m20261125_000003_mail_invites;
mod m20261126_000004_two_factor;
mod m20261203_000005_hardening;
mod m20261204_000006_api_keys_audit_chain;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_initial::Migration),
            Box::new(m20261124_000002_groups::Migration),
            Box::new(m20261125_000003_mail_invites::Migration),
            Box::new(m20261126_000004_two_factor::Migration),
            Box::new(m20261203_000005_hardening::Migration),
            Box::new(m20261204_000006_api_keys_audit_chain::Migration),
        ]
    }
}
