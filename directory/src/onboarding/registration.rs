//! Self-registration, when the settings allow it: open (active at once) or with approval
//! (pending until an administrator approves, and the administrators are told by mail).

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::users as user_rows;
use crate::error::{Error, Result};
use crate::mail;
use crate::policy::{Actor, Role};
use crate::rate_limit;
use crate::secrets::SecretString;
use crate::store::outbox_queue;
use crate::store::settings_rows::Registration as Mode;
use crate::store::user_rows::{Status, User};
use crate::users::NewUser;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

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

/// What a registration answers: the same whether or not the address has an account, so the
/// form tells nobody which addresses are known. Either way the account is made only once the
/// link mailed to the address is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registered {
    /// Open registration: the account is active once the link is opened.
    CheckMail,
    /// Registration with approval: once the link is opened, the account waits for an
    /// administrator.
    AwaitingApproval,
}

impl Registration<'_> {
    pub async fn mode(&self) -> Result<Mode> {
        self.dir.settings().registration().await
    }

    /// Registers a person. A taken username is said (usernames are public in the directory);
    /// a taken address is not: its owner gets a mail instead, and the answer is the same.
    pub async fn register(&self, actor: &Actor, input: Signup) -> Result<Registered> {
        let settings = self.dir.settings().current().await?;
        let answer = match settings.registration {
            Mode::Off => {
                return Err(Error::NotAllowed(
                    "Registration is closed. Ask an administrator for an invite.".to_string(),
                ));
            }
            Mode::Open => Registered::CheckMail,
            Mode::Approval => Registered::AwaitingApproval,
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
        let status = match answer {
            Registered::CheckMail => Status::Active,
            Registered::AwaitingApproval => Status::Pending,
        };
        // Validation hashes the password, so a taken address costs as long as a free one.
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
        if self
            .dir
            .users()
            .find_by_username(&new.username)
            .await?
            .is_some()
        {
            return Err(Error::Conflict(format!(
                "The username \"{}\" is already taken.",
                new.username
            )));
        }
        if let Some(owner) = self.address_owner(&new.email).await? {
            self.tell_owner(actor, &owner).await?;
        } else {
            crate::signups::start(self.dir, actor, new, answer == Registered::AwaitingApproval)
                .await?;
        }
        Ok(answer)
    }

    async fn address_owner(&self, email: &crate::ids::Email) -> Result<Option<User>> {
        user_rows::Entity::find()
            .filter(user_rows::Column::Email.eq(email.as_str()))
            .one(self.dir.db())
            .await?
            .map(User::from_row)
            .transpose()
    }

    /// Someone tried to register with an address that has an account: its owner is told.
    async fn tell_owner(&self, actor: &Actor, owner: &User) -> Result<()> {
        let now = self.dir.now();
        let base_url = self.dir.base_url();
        let txn = crate::changes::Change::begin(self.dir).await?;
        let notice = mail::Notice {
            to: &owner.email,
            user_id: owner.id,
            username: owner.username.as_str(),
            link: &format!("{base_url}/login"),
            base_url: &base_url,
        };
        outbox_queue::enqueue(&txn, mail::registration_attempt(notice), now).await?;
        let entry = Entry::new("user.register.address_taken").target(
            "user",
            owner.id,
            owner.username.as_str(),
        );
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        self.dir.wake_mailer();
        Ok(())
    }

    /// Opens the link a registration mailed: the account is created, active (open
    /// registration) or pending an administrator's approval.
    pub async fn confirm(&self, actor: &Actor, token: &str) -> Result<User> {
        crate::signups::confirm(self.dir, actor, token).await
    }

    /// The username a registration link would create, or why the link does not work.
    pub async fn lookup(&self, actor: &Actor, token: &str) -> Result<String> {
        crate::signups::lookup(self.dir, actor, token).await
    }
}
