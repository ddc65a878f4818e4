//! First run: with no users yet, the person at the keyboard creates the owner.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::{settings, users as user_rows};
use crate::error::{Error, Result};
use crate::groups;
use crate::policy::{Actor, Role};
use crate::secrets::SecretString;
use crate::store::user_rows::{Status, User};
use crate::store::{accounts, memberships};
use crate::users::NewUser;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

/// The settings row whose insertion marks setup done; its primary key makes a second,
/// concurrent setup fail instead of creating a second owner.
const SETUP_KEY: &str = "setup.completed_at";

/// What the setup form asks for.
#[derive(Clone, Debug)]
pub struct OwnerInput {
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub password: SecretString,
}

/// The first-run service.
pub struct Setup<'a> {
    pub(crate) dir: &'a Directory,
}

impl Setup<'_> {
    /// True until an owner exists. A `true` answer from the database is cached for good.
    pub async fn is_needed(&self) -> Result<bool> {
        if self.dir.setup_flag() {
            return Ok(false);
        }
        let done = settings::Entity::find_by_id(SETUP_KEY)
            .one(self.dir.db())
            .await?
            .is_some()
            || user_rows::Entity::find().count(self.dir.db()).await? > 0;
        if done {
            self.dir.mark_setup_complete();
        }
        Ok(!done)
    }

    /// Creates the owner. Refused with [`Error::SetupComplete`] once anyone exists.
    pub async fn create_owner(&self, actor: &Actor, input: OwnerInput) -> Result<User> {
        if !self.is_needed().await? {
            return Err(Error::SetupComplete);
        }
        let owner = NewUser {
            username: input.username,
            email: input.email,
            full_name: input.full_name,
            role: Role::Owner,
            status: Status::Active,
            password: Some(input.password),
            must_change_password: false,
        }
        .validate(
            self.dir.db(),
            &self.dir.settings().current().await?.password,
        )
        .await?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        let marker = settings::ActiveModel {
            key: Set(SETUP_KEY.to_string()),
            value: Set(serde_json::Value::String(now.to_string()).to_string()),
            updated_at: Set(now),
        };
        marker
            .insert(&txn)
            .await
            .map_err(|err| match Error::from_unique(err, "") {
                Error::Conflict(_) => Error::SetupComplete,
                other => other,
            })?;
        if user_rows::Entity::find().count(&txn).await? > 0 {
            return Err(Error::SetupComplete);
        }
        let user = accounts::insert(&txn, owner, now).await?;
        // Apps reading the directory over LDAP recognise administrators by this group.
        let sysadmins = memberships::builtin_id(&txn, groups::SYSADMINS).await?;
        memberships::add_membership(&txn, sysadmins, user.id, now).await?;
        let entry =
            Entry::new("setup.owner.create").target("user", user.id, user.username.as_str());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        self.dir.mark_setup_complete();
        Ok(user)
    }
}
