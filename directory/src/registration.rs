//! Self-registration, when the settings allow it: open (active at once) or with approval
//! (pending until an administrator approves, and the administrators are told by mail).

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::users as user_rows;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::mail;
use crate::outbox;
use crate::policy::{Actor, Role};
use crate::rate_limit;
use crate::secrets::SecretString;
use crate::settings::Registration as Mode;
use crate::users::{self, NewUser, Status, User};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

/// What a person fills in to register.
#[derive(Clone, Debug)]
pub struct Signup {
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: SecretString,
}

/// The self-registration service.
pub struct Registration<'a> {
    pub(crate) dir: &'a Directory,
}

impl Registration<'_> {
    pub async fn mode(&self) -> Result<Mode> {
        self.dir.settings().registration().await
    }

    /// Creates the account: active when registration is open, pending with approval.
    pub async fn register(&self, actor: &Actor, input: Signup) -> Result<User> {
        let settings = crate::settings::load(self.dir.db()).await?;
        let status = match settings.registration {
            Mode::Off => {
                return Err(Error::NotAllowed(
                    "Registration is closed. Ask an administrator for an invite.".to_string(),
                ));
            }
            Mode::Open => Status::Active,
            Mode::Approval => Status::Pending,
        };
        rate_limit::hit_ip(self.dir, rate_limit::REGISTER_PER_IP, actor).await?;
        for (field, value) in [
            ("first_name", &input.first_name),
            ("last_name", &input.last_name),
        ] {
            if value.trim().is_empty() {
                return Err(Error::invalid(field, "Enter your name."));
            }
        }
        let new = NewUser {
            username: input.username,
            email: input.email,
            full_name: format!("{} {}", input.first_name.trim(), input.last_name.trim()),
            role: Role::User,
            status,
            password: Some(input.password),
            must_change_password: false,
        }
        .validate(self.dir.db(), &settings.password)
        .await?;
        let now = self.dir.now();
        let base_url = self.dir.base_url();
        let txn = self.dir.db().begin().await?;
        let user = users::insert(&txn, new, now).await?;
        if status == Status::Pending {
            let review = format!("{base_url}/users/{}", user.id);
            for admin in approvers(&txn).await? {
                let notice = mail::Notice {
                    to: &admin.email,
                    user_id: admin.id,
                    username: user.username.as_str(),
                    link: &review,
                    base_url: &base_url,
                };
                let mail = mail::approval_needed(notice, user.email.as_str());
                outbox::enqueue(&txn, mail, now).await?;
            }
        }
        let me = user.as_actor(actor.ip.clone(), actor.user_agent.clone());
        let entry = Entry::new("user.register")
            .target("user", user.id, user.username.as_str())
            .detail("status", status.name());
        audit::record(&txn, &me, now, entry).await?;
        txn.commit().await?;
        self.dir.wake_mailer();
        Ok(user)
    }
}

/// Active owners and admins: those told about accounts waiting for approval.
async fn approvers(conn: &impl sea_orm::ConnectionTrait) -> Result<Vec<Approver>> {
    let rows = user_rows::Entity::find()
        .filter(user_rows::Column::Status.eq(Status::Active.name()))
        .filter(user_rows::Column::Role.is_in([Role::Owner.name(), Role::Admin.name()]))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Approver {
            id: UserId(row.id),
            email: crate::ids::Email::from_stored(row.email),
        })
        .collect())
}

struct Approver {
    id: UserId,
    email: crate::ids::Email,
}
