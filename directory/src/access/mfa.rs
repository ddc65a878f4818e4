//! Two-factor authentication: TOTP setup and checks, backup codes, turning it off, and the
//! rules of mandatory 2FA.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::core::sealed;
use crate::entities::users as user_rows;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::policy::{self, Actor, Permission};
use crate::qr;
use crate::secrets::SecretString;
use crate::store::backup_codes;
use crate::store::user_rows::User;
use crate::store::{session_end, targets};
use crate::totp::{self, TotpKey};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;

const SEAL_PURPOSE: &str = "totp-secret";

/// Where a user's 2FA stands, for their profile and for administrators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaStatus {
    pub enabled: bool,
    pub enabled_at: Option<OffsetDateTime>,
    pub backup_codes_left: u64,
    /// The instance requires 2FA of everyone.
    pub required: bool,
}

/// What the setup page shows: the key to type in and the same key as a QR code.
#[derive(Clone, Debug)]
pub struct SetupKey {
    /// Base32 in groups of four.
    pub key: SecretString,
    pub uri: SecretString,
    pub qr_svg: String,
}

/// Which second factor a sign-in used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecondFactor {
    Totp,
    BackupCode,
}

impl SecondFactor {
    pub fn name(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::BackupCode => "backup_code",
        }
    }
}

/// The 2FA service.
pub struct Mfa<'a> {
    pub(crate) dir: &'a Directory,
}

impl Mfa<'_> {
    /// The signed-in user's own 2FA.
    pub async fn status(&self, actor: &Actor) -> Result<MfaStatus> {
        let id = actor.user_id().ok_or(Error::Unauthenticated)?;
        self.status_for(id).await
    }

    /// Another user's 2FA, for the admin's user page.
    pub async fn status_of(&self, actor: &Actor, id: UserId) -> Result<MfaStatus> {
        if actor.user_id() != Some(id) {
            policy::require(actor, Permission::UsersRead)?;
        }
        self.status_for(id).await
    }

    async fn status_for(&self, id: UserId) -> Result<MfaStatus> {
        let row = self.row(id).await?;
        let required = self.dir.settings().current().await?.mfa_required;
        Ok(MfaStatus {
            enabled: row.totp_enabled_at.is_some(),
            enabled_at: row.totp_enabled_at,
            backup_codes_left: backup_codes::remaining(self.dir.db(), id).await?,
            required,
        })
    }

    async fn row(&self, id: UserId) -> Result<user_rows::Model> {
        user_rows::Entity::find_by_id(id.0)
            .one(self.dir.db())
            .await?
            .ok_or(Error::NotFound("user"))
    }

    /// Starts (or resumes) setup: a new key is made and kept sealed, but counts for nothing
    /// until a code from it is confirmed. Reloading the page shows the same key.
    pub async fn begin_setup(&self, actor: &Actor) -> Result<SetupKey> {
        actor.refuse_delegated("set up two-factor authentication")?;
        let id = actor.user_id().ok_or(Error::Unauthenticated)?;
        let row = self.row(id).await?;
        if row.totp_enabled_at.is_some() {
            return Err(Error::Conflict(
                "Two-factor authentication is already on. Turn it off first to use a new device."
                    .into(),
            ));
        }
        let key = match &row.totp_secret {
            Some(sealed) => self.open(id, sealed)?,
            None => {
                let key = TotpKey::generate();
                user_rows::ActiveModel {
                    id: Set(id.0),
                    totp_secret: Set(Some(self.seal(id, &key)?)),
                    totp_last_step: Set(None),
                    ..Default::default()
                }
                .update(self.dir.db())
                .await?;
                key
            }
        };
        let uri = key.uri(&row.username);
        Ok(SetupKey {
            key: SecretString::new(totp::grouped(&key.base32())),
            qr_svg: qr::svg(&uri, "QR code of your two-factor key")?,
            uri: SecretString::new(uri),
        })
    }

    /// Finishes setup with a code from the new key: 2FA is on from now, and the ten backup
    /// codes it returns are shown once.
    pub async fn confirm_setup(&self, actor: &Actor, code: &str) -> Result<Vec<SecretString>> {
        actor.refuse_delegated("set up two-factor authentication")?;
        let id = actor.user_id().ok_or(Error::Unauthenticated)?;
        let row = self.row(id).await?;
        let sealed_key = match (&row.totp_enabled_at, &row.totp_secret) {
            (None, Some(sealed)) => sealed.clone(),
            (Some(_), _) => {
                return Err(Error::Conflict(
                    "Two-factor authentication is already on.".into(),
                ));
            }
            (None, None) => {
                return Err(Error::invalid(
                    "code",
                    "Setup has not started. Reload the page to get a key.",
                ));
            }
        };
        let key = self.open(id, &sealed_key)?;
        let now = self.dir.now();
        let step = totp::matching_step(&key, code, now).ok_or_else(wrong_code)?;
        let txn = crate::changes::Change::begin(self.dir).await?;
        let enabled = user_rows::Entity::update_many()
            .col_expr(user_rows::Column::TotpEnabledAt, now.into())
            .col_expr(user_rows::Column::TotpLastStep, step.into())
            .filter(user_rows::Column::Id.eq(id.0))
            .filter(user_rows::Column::TotpEnabledAt.is_null())
            .filter(user_rows::Column::TotpSecret.eq(sealed_key))
            .exec(&txn)
            .await?;
        if enabled.rows_affected != 1 {
            return Err(Error::Conflict(
                "Setup changed in another window. Reload the page.".into(),
            ));
        }
        let codes = backup_codes::replace(&txn, self.dir.secret_key(), id, now).await?;
        // Sessions opened with the password alone end: from now on a sign-in takes both.
        let ended = session_end::end_others(&txn, id, actor.session.as_deref()).await?;
        let entry = Entry::new("mfa.enable")
            .target("user", id, row.username.as_str())
            .detail("sessions_ended", ended);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(codes)
    }

    /// Ten new backup codes; the old ones stop working.
    pub async fn regenerate_codes(&self, actor: &Actor) -> Result<Vec<SecretString>> {
        actor.refuse_delegated("make new backup codes")?;
        let id = actor.user_id().ok_or(Error::Unauthenticated)?;
        let row = self.row(id).await?;
        if row.totp_enabled_at.is_none() {
            return Err(Error::Conflict(
                "Set up two-factor authentication first.".into(),
            ));
        }
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        let codes = backup_codes::replace(&txn, self.dir.secret_key(), id, now).await?;
        // New codes usually mean the old ones leaked: whoever used one is signed out.
        let ended = session_end::end_others(&txn, id, actor.session.as_deref()).await?;
        let entry = Entry::new("mfa.backup_codes.regenerate")
            .target("user", id, row.username.as_str())
            .detail("sessions_ended", ended);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(codes)
    }

    /// Turns off one's own 2FA, after the password; refused while the instance requires it.
    pub async fn disable_own(&self, actor: &Actor, password: &SecretString) -> Result<()> {
        actor.refuse_delegated("turn off two-factor authentication")?;
        let id = actor.user_id().ok_or(Error::Unauthenticated)?;
        if self.dir.settings().current().await?.mfa_required {
            return Err(Error::NotAllowed(
                "Two-factor authentication is required on this server.".into(),
            ));
        }
        let row = self.row(id).await?;
        let matches = self
            .dir
            .auth()
            .confirm_password(id, row.password_hash.as_deref(), password)
            .await?;
        if !matches {
            return Err(Error::invalid(
                "password",
                "That is not your current password.",
            ));
        }
        let user = User::from_row(row)?;
        self.clear(actor, &user, "mfa.disable").await
    }

    /// An administrator turns off a user's 2FA (a lost phone, no backup codes left): they
    /// sign in with their password alone, and may set it up again.
    pub async fn disable_for(&self, actor: &Actor, id: UserId) -> Result<()> {
        policy::require(actor, Permission::UsersUpdate)?;
        actor.refuse_delegated("turn off someone's two-factor authentication")?;
        // One's own goes through the profile, which asks for the password.
        crate::policy::refuse_own_account(actor, id, "turn off two-factor authentication")?;
        let user = self.dir.users().existing(id).await?;
        targets::guard_target(self.dir.db(), actor, &user).await?;
        if !user.mfa_enabled {
            return Err(Error::Conflict(format!(
                "{} does not use two-factor authentication.",
                user.username
            )));
        }
        self.clear(actor, &user, "user.mfa.disable").await
    }

    async fn clear(&self, actor: &Actor, user: &User, action: &'static str) -> Result<()> {
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        user_rows::ActiveModel {
            id: Set(user.id.0),
            totp_secret: Set(None),
            totp_enabled_at: Set(None),
            totp_last_step: Set(None),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        backup_codes::delete_all(&txn, user.id).await?;
        let entry = Entry::new(action).target("user", user.id, user.username.as_str());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Checks a sign-in's second factor: a TOTP code not used before, or an unused backup
    /// code. Either is used up by a conditional update, so no code counts twice, even when two
    /// processes see it at once.
    pub(crate) async fn check(&self, user: UserId, code: &str) -> Result<Option<SecondFactor>> {
        let row = self.row(user).await?;
        let (Some(_), Some(sealed_key)) = (row.totp_enabled_at, &row.totp_secret) else {
            return Ok(None);
        };
        let now = self.dir.now();
        if totp::normalize(code).is_some() {
            let key = self.open(user, sealed_key)?;
            let Some(step) = totp::matching_step(&key, code, now) else {
                return Ok(None);
            };
            let fresh = user_rows::Entity::update_many()
                .col_expr(user_rows::Column::TotpLastStep, step.into())
                .filter(user_rows::Column::Id.eq(user.0))
                .filter(
                    sea_orm::Condition::any()
                        .add(user_rows::Column::TotpLastStep.is_null())
                        .add(user_rows::Column::TotpLastStep.lt(step)),
                )
                .exec(self.dir.db())
                .await?;
            return Ok((fresh.rows_affected == 1).then_some(SecondFactor::Totp));
        }
        let used =
            backup_codes::consume(self.dir.db(), self.dir.secret_key(), user, code, now).await?;
        Ok(used.then_some(SecondFactor::BackupCode))
    }

    fn seal(&self, id: UserId, key: &TotpKey) -> Result<String> {
        sealed::seal(
            self.dir.secret_key(),
            SEAL_PURPOSE,
            id.0.as_bytes(),
            key.bytes(),
        )
    }

    fn open(&self, id: UserId, sealed_key: &str) -> Result<TotpKey> {
        sealed::open(
            self.dir.secret_key(),
            SEAL_PURPOSE,
            id.0.as_bytes(),
            sealed_key,
        )
        .map(TotpKey::from_bytes)
    }
}

fn wrong_code() -> Error {
    Error::invalid(
        "code",
        "That code is not right. Check the time on your device and try the newest code.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::user_rows::Status;
    use crate::users::NewUser;
    use crate::{FixedClock, Options, Role, SecretKey};
    use std::sync::Arc;
    use time::Duration;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    async fn directory(clock: &FixedClock) -> Result<Directory> {
        let path = std::env::temp_dir().join(format!("gatehouse-mfa-{}.db", uuid::Uuid::new_v4()));
        let dir = Directory::open(Options {
            database_url: format!("sqlite://{}?mode=rwc", path.display()),
            secret_key: SecretKey::generate(),
            clock: Arc::new(clock.clone()),
            base_url: "http://localhost".into(),
        })
        .await?;
        dir.migrate().await?;
        Ok(dir)
    }

    async fn user_with_2fa(
        dir: &Directory,
    ) -> std::result::Result<(User, TotpKey, Vec<SecretString>), Box<dyn std::error::Error>> {
        let new = NewUser {
            username: "ada".into(),
            email: "ada@example.org".into(),
            full_name: "Ada Lovelace".into(),
            role: Role::User,
            status: Status::Active,
            password: None,
            must_change_password: false,
        };
        let user = dir.users().create(&Actor::system(), new).await?;
        let me = user.as_actor(None, None);
        let setup = dir.mfa().begin_setup(&me).await?;
        // Reloading the setup page shows the same key.
        assert_eq!(dir.mfa().begin_setup(&me).await?.key, setup.key);
        let key = TotpKey::from_base32(setup.key.expose()).ok_or("the setup key is not base32")?;
        let codes = dir
            .mfa()
            .confirm_setup(&me, &key.code_at(dir.now()))
            .await?;
        Ok((user, key, codes))
    }

    #[tokio::test]
    async fn a_totp_code_counts_once_and_never_after_a_newer_one() -> TestResult {
        let clock = FixedClock::new(OffsetDateTime::from_unix_timestamp(1_800_000_000)?);
        let dir = directory(&clock).await?;
        let (user, key, _) = user_with_2fa(&dir).await?;
        // The code that confirmed setup is spent.
        let setup_code = key.code_at(dir.now());
        assert_eq!(dir.mfa().check(user.id, &setup_code).await?, None);
        clock.advance(Duration::seconds(30));
        let code = key.code_at(dir.now());
        assert_eq!(
            dir.mfa().check(user.id, &code).await?,
            Some(SecondFactor::Totp)
        );
        assert_eq!(
            dir.mfa().check(user.id, &code).await?,
            None,
            "replay refused"
        );
        // A code from an older step in the window is refused too once a newer one was used.
        clock.advance(Duration::seconds(30));
        assert_eq!(dir.mfa().check(user.id, &code).await?, None);
        assert_eq!(
            dir.mfa().check(user.id, &key.code_at(dir.now())).await?,
            Some(SecondFactor::Totp)
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_backup_code_counts_once_and_regenerating_kills_the_old_ones() -> TestResult {
        let clock = FixedClock::new(OffsetDateTime::from_unix_timestamp(1_800_000_000)?);
        let dir = directory(&clock).await?;
        let (user, _, codes) = user_with_2fa(&dir).await?;
        assert_eq!(codes.len(), backup_codes::COUNT);
        let first = codes[0].expose();
        assert_eq!(
            dir.mfa().check(user.id, first).await?,
            Some(SecondFactor::BackupCode)
        );
        assert_eq!(dir.mfa().check(user.id, first).await?, None);
        // Typed in capitals without the dash it is the same code, and still spent.
        let shouted = first.replace('-', "").to_uppercase();
        assert_eq!(dir.mfa().check(user.id, &shouted).await?, None);
        let me = user.as_actor(None, None);
        assert_eq!(dir.mfa().status(&me).await?.backup_codes_left, 9);
        let fresh = dir.mfa().regenerate_codes(&me).await?;
        assert_eq!(dir.mfa().check(user.id, codes[1].expose()).await?, None);
        assert_eq!(
            dir.mfa().check(user.id, fresh[1].expose()).await?,
            Some(SecondFactor::BackupCode)
        );
        assert_eq!(dir.mfa().status(&me).await?.backup_codes_left, 9);
        Ok(())
    }

    #[tokio::test]
    async fn the_second_step_closes_five_minutes_after_the_password() -> TestResult {
        use crate::auth::PendingSignIn;
        let clock = FixedClock::new(OffsetDateTime::from_unix_timestamp(1_800_000_000)?);
        let dir = directory(&clock).await?;
        let (user, key, codes) = user_with_2fa(&dir).await?;
        let visitor = Actor::anonymous(None, None);
        let pending = PendingSignIn {
            user: user.id,
            started_at: dir.now(),
        };
        clock.advance(Duration::seconds(5 * 60 + 1));
        let late = dir
            .auth()
            .second_factor(&visitor, &pending, &key.code_at(dir.now()))
            .await;
        assert!(matches!(late, Err(Error::SignInExpired)), "{late:?}");
        // Just inside the window, a backup code completes the sign-in.
        let pending = PendingSignIn {
            user: user.id,
            started_at: dir.now() - Duration::seconds(299),
        };
        let done = dir
            .auth()
            .second_factor(&visitor, &pending, codes[0].expose())
            .await?;
        assert_eq!(done.id, user.id);
        Ok(())
    }

    #[tokio::test]
    async fn the_key_is_sealed_at_rest() -> TestResult {
        let clock = FixedClock::new(OffsetDateTime::from_unix_timestamp(1_800_000_000)?);
        let dir = directory(&clock).await?;
        let (user, key, _) = user_with_2fa(&dir).await?;
        let row = user_rows::Entity::find_by_id(user.id.0)
            .one(dir.db())
            .await?;
        let stored = row.and_then(|r| r.totp_secret).unwrap_or_default();
        assert!(stored.starts_with("v1."));
        assert!(!stored.contains(&key.base32()));
        Ok(())
    }
}
