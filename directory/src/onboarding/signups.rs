//! Registrations waiting for their address to be confirmed: the form stores what was typed
//! (the password already hashed) and mails a link; the account exists only once the link is
//! opened, so nobody can hold an address they cannot read.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::signups;
use crate::error::{Error, Result};
use crate::ids::Email;
use crate::mail;
use crate::policy::{Actor, Role};
use crate::rate_limit;
use crate::store::accounts::ValidUser;
use crate::store::settings_rows::Registration as Mode;
use crate::store::user_rows::{Status, User};
use crate::store::{accounts, outbox_queue};
use crate::tokens::{self, LinkProblem};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use time::Duration;
use uuid::Uuid;

/// How long a registration link works.
pub const LIFETIME: Duration = Duration::hours(24);

/// Stores a registration and mails its link to the address.
pub(crate) async fn start(
    dir: &Directory,
    actor: &Actor,
    new: ValidUser,
    approval: bool,
) -> Result<()> {
    let password_hash = new
        .password_hash
        .clone()
        .ok_or_else(|| Error::Internal("a registration without a password".into()))?;
    let now = dir.now();
    let expires_at = now + LIFETIME;
    let (token, hash) = tokens::generate();
    let base_url = dir.base_url();
    let link = format!("{base_url}/register/{}", token.expose());
    let txn = crate::changes::Change::begin(dir).await?;
    signups::ActiveModel {
        id: Set(Uuid::new_v4()),
        token_hash: Set(hash),
        username: Set(new.username.to_string()),
        email: Set(new.email.to_string()),
        first_name: Set(new.first_name.clone()),
        last_name: Set(new.last_name.clone()),
        password_hash: Set(password_hash),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let window = mail::Window { now, expires_at };
    let letter = mail::signup_confirm(
        &new.email,
        new.username.as_str(),
        &link,
        &base_url,
        window,
        approval,
    );
    outbox_queue::enqueue(&txn, letter, now).await?;
    let entry = Entry::new("user.register.requested").detail("username", new.username.as_str());
    audit::record(&txn, actor, now, entry).await?;
    txn.commit().await?;
    dir.wake_mailer();
    Ok(())
}

/// The live registration behind `token`, or why the link does not work. Registration turned
/// off since the link was mailed kills it.
async fn usable(dir: &Directory, actor: &Actor, token: &str) -> Result<signups::Model> {
    rate_limit::hit_ip(dir, rate_limit::LINK_PER_IP, actor).await?;
    if !tokens::well_formed(token) {
        return Err(Error::Link(LinkProblem::Unknown));
    }
    let row = signups::Entity::find()
        .filter(signups::Column::TokenHash.eq(tokens::digest(token)))
        .one(dir.db())
        .await?
        .ok_or(Error::Link(LinkProblem::Unknown))?;
    if row.used_at.is_some() {
        return Err(Error::Link(LinkProblem::Used));
    }
    if row.expires_at <= dir.now() {
        return Err(Error::Link(LinkProblem::Expired));
    }
    if dir.settings().registration().await? == Mode::Off {
        return Err(Error::Link(LinkProblem::Revoked));
    }
    Ok(row)
}

pub(crate) async fn lookup(dir: &Directory, actor: &Actor, token: &str) -> Result<String> {
    Ok(usable(dir, actor, token).await?.username)
}

/// Creates the account and uses up the link in the same transaction: active under open
/// registration, pending (and every administrator mailed) under registration with approval,
/// as the setting stands now. A username or address taken since the form was sent is a
/// conflict: the person registers again.
pub(crate) async fn confirm(dir: &Directory, actor: &Actor, token: &str) -> Result<User> {
    let row = usable(dir, actor, token).await?;
    let status = match dir.settings().registration().await? {
        Mode::Approval => Status::Pending,
        _ => Status::Active,
    };
    let now = dir.now();
    let txn = crate::changes::Change::begin(dir).await?;
    let claimed = signups::Entity::update_many()
        .col_expr(signups::Column::UsedAt, Expr::value(now))
        .filter(signups::Column::Id.eq(row.id))
        .filter(signups::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(Error::Link(LinkProblem::Used));
    }
    let display_name = format!("{} {}", row.first_name, row.last_name)
        .trim()
        .to_string();
    let new = ValidUser {
        username: crate::ids::Username::parse(&row.username)?,
        email: Email::parse(&row.email)?,
        first_name: row.first_name,
        last_name: row.last_name,
        display_name,
        role: Role::User,
        status,
        password_hash: Some(row.password_hash),
        must_change_password: false,
    };
    let user = accounts::insert(&txn, new, now).await?;
    if status == Status::Pending {
        outbox_queue::mail_administrators(&txn, &dir.base_url(), &user, now, |notice| {
            mail::approval_needed(notice, user.email.as_str())
        })
        .await?;
    }
    let me = user.as_actor(actor.ip.clone(), actor.user_agent.clone());
    let entry = Entry::new("user.register")
        .target("user", user.id, user.username.as_str())
        .detail("status", status.name())
        .detail("email_confirmed", true);
    audit::record(&txn, &me, now, entry).await?;
    txn.commit().await?;
    dir.wake_mailer();
    Ok(user)
}

/// Removes registrations whose link has expired; returns how many.
pub async fn forget_expired(dir: &Directory) -> Result<u64> {
    let result = signups::Entity::delete_many()
        .filter(signups::Column::ExpiresAt.lte(dir.now()))
        .exec(dir.db())
        .await?;
    Ok(result.rows_affected)
}
