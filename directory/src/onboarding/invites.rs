//! Invites: an administrator invites an email with a role and groups; the person opens the
//! link once, picks a username and password, and is an active user from then on.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::invites;
use crate::error::{Error, Result};
use crate::ids::{Email, GroupId};
use crate::mail;
use crate::policy::{self, Actor, Permission, Role};
use crate::rate_limit;
use crate::rules;
use crate::secrets::SecretString;
use crate::store::user_rows::{Status, User};
use crate::store::{accounts, memberships, outbox_queue};
use crate::tokens::{self, LinkProblem};
use crate::users::NewUser;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// What an administrator fills in.
#[derive(Clone, Debug)]
pub struct NewInvite {
    pub email: String,
    pub role: Role,
    pub groups: Vec<GroupId>,
    /// Mail the link (otherwise the admin passes it on).
    pub send: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteState {
    Pending,
    Expired,
    Accepted,
    Revoked,
}

/// An invite as the invites list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Invite {
    pub id: Uuid,
    pub email: Email,
    pub role: Role,
    pub groups: Vec<String>,
    pub invited_by: String,
    pub created_at: OffsetDateTime,
    pub sent_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub state: InviteState,
}

/// An invite with its link, which exists only at this moment: the database keeps its hash.
#[derive(Clone, Debug)]
pub struct Issued {
    pub invite: Invite,
    pub link: SecretString,
    pub mailed: bool,
}

/// What the invitee sees before accepting.
#[derive(Clone, Debug, Serialize)]
pub struct InviteView {
    pub email: Email,
    pub role: Role,
    pub invited_by: String,
    pub expires_at: OffsetDateTime,
    /// A username to start from, made from the email's local part.
    pub suggested_username: String,
}

/// What the invitee fills in.
#[derive(Clone, Debug)]
pub struct Acceptance {
    pub username: String,
    pub full_name: String,
    pub password: SecretString,
}

/// The invites service.
pub struct Invites<'a> {
    pub(crate) dir: &'a Directory,
}

impl Invites<'_> {
    pub async fn create(&self, actor: &Actor, new: NewInvite) -> Result<Issued> {
        let email = Email::parse(&new.email)?;
        let group_names = may_grant(self.dir.db(), actor, new.role, &new.groups).await?;
        let mut wanted = new.groups.clone();
        wanted.sort_by_key(|g| g.0);
        wanted.dedup();
        if group_names.len() != wanted.len() {
            return Err(Error::NotFound("group"));
        }
        let settings = self.dir.settings().current().await?;
        let now = self.dir.now();
        let expires_at = now + Duration::hours(i64::from(settings.invite_expiry_hours));
        let (token, hash) = tokens::generate();
        let txn = crate::changes::Change::begin(self.dir).await?;
        refuse_known_email(&txn, &email).await?;
        let row = invites::ActiveModel {
            id: Set(Uuid::new_v4()),
            email: Set(email.to_string()),
            role: Set(new.role.name().to_string()),
            group_ids: Set(serde_json::to_string(
                &new.groups.iter().map(|g| g.0).collect::<Vec<_>>(),
            )
            .map_err(|e| Error::Internal(format!("group ids: {e}")))?),
            token_hash: Set(hash),
            invited_by: Set(actor.user_id().map(|id| id.0)),
            invited_by_name: Set(actor.name()),
            created_at: Set(now),
            expires_at: Set(expires_at),
            sent_at: Set(now),
            accepted_at: Set(None),
            accepted_by: Set(None),
            revoked_at: Set(None),
        }
        .insert(&txn)
        .await?;
        let link = self.link(&token);
        if new.send {
            outbox_queue::enqueue(&txn, self.mail(&row, &link, now), now).await?;
        }
        let entry = Entry::new("invite.create")
            .target("invite", row.id, email.as_str())
            .detail("role", new.role.name())
            .detail("groups", group_names.clone())
            .detail("mailed", new.send);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        if new.send {
            self.dir.wake_mailer();
        }
        Ok(Issued {
            invite: to_invite(row, group_names, now)?,
            link: SecretString::new(link),
            mailed: new.send,
        })
    }

    /// Open and expired invites, newest first (accepted and revoked ones are in the audit log).
    pub async fn list(&self, actor: &Actor) -> Result<Vec<Invite>> {
        policy::require(actor, Permission::UsersCreate)?;
        let rows = invites::Entity::find()
            .filter(invites::Column::AcceptedAt.is_null())
            .filter(invites::Column::RevokedAt.is_null())
            .order_by_desc(invites::Column::CreatedAt)
            .limit(500)
            .all(self.dir.db())
            .await?;
        let now = self.dir.now();
        let names = self.group_names(&rows).await?;
        rows.into_iter()
            .map(|row| {
                let groups = named(&row, &names);
                to_invite(row, groups, now)
            })
            .collect()
    }

    pub async fn pending_count(&self) -> Result<u64> {
        Ok(invites::Entity::find()
            .filter(invites::Column::AcceptedAt.is_null())
            .filter(invites::Column::RevokedAt.is_null())
            .filter(invites::Column::ExpiresAt.gt(self.dir.now()))
            .count(self.dir.db())
            .await?)
    }

    /// Makes a new link (the old one stops working), with a fresh lifetime; mails it if asked.
    /// An expired invite may get a new link too, after the same checks as a new invite: the
    /// role and groups must still be the actor's to grant, and the address still free.
    pub async fn reissue(&self, actor: &Actor, id: Uuid, send: bool) -> Result<Issued> {
        let row = self.open_invite(actor, id).await?;
        let settings = self.dir.settings().current().await?;
        let now = self.dir.now();
        let (token, hash) = tokens::generate();
        let txn = crate::changes::Change::begin(self.dir).await?;
        let email = Email::from_stored(row.email.clone());
        if accounts::email_in_use(&txn, &email).await? {
            return Err(Error::Conflict(format!(
                "{email} has an account now: revoke this invite."
            )));
        }
        let mut active: invites::ActiveModel = row.into();
        active.token_hash = Set(hash);
        active.expires_at = Set(now + Duration::hours(i64::from(settings.invite_expiry_hours)));
        active.sent_at = Set(now);
        let row = active.update(&txn).await?;
        let link = self.link(&token);
        if send {
            outbox_queue::enqueue(&txn, self.mail(&row, &link, now), now).await?;
        }
        let action = if send {
            "invite.resend"
        } else {
            "invite.new_link"
        };
        let entry = Entry::new(action).target("invite", row.id, row.email.as_str());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        if send {
            self.dir.wake_mailer();
        }
        let names = self.group_names(std::slice::from_ref(&row)).await?;
        let names = named(&row, &names);
        Ok(Issued {
            invite: to_invite(row, names, now)?,
            link: SecretString::new(link),
            mailed: send,
        })
    }

    pub async fn revoke(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let row = self.open_invite(actor, id).await?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        invites::Entity::update_many()
            .col_expr(invites::Column::RevokedAt, Expr::value(now))
            .filter(invites::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let entry = Entry::new("invite.revoke").target("invite", id, row.email.as_str());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(())
    }

    /// What the invite page shows, or why the link does not work.
    pub async fn lookup(&self, actor: &Actor, token: &str) -> Result<InviteView> {
        rate_limit::hit_ip(self.dir, rate_limit::LINK_PER_IP, actor).await?;
        let row = self.usable(self.dir.db(), token).await?;
        self.inviter_may_still_grant(self.dir.db(), &row).await?;
        let email = Email::from_stored(row.email);
        Ok(InviteView {
            suggested_username: suggest_username(email.as_str()),
            email,
            role: parse_role(&row.role)?,
            invited_by: row.invited_by_name,
            expires_at: row.expires_at,
        })
    }

    /// Creates the invited account, active, with the invite's role and groups. The invite
    /// is used up in the same transaction, so a link opened twice makes one account.
    pub async fn accept(&self, actor: &Actor, token: &str, input: Acceptance) -> Result<User> {
        rate_limit::hit_ip(self.dir, rate_limit::LINK_PER_IP, actor).await?;
        let row = self.usable(self.dir.db(), token).await?;
        self.inviter_may_still_grant(self.dir.db(), &row).await?;
        let policy = self.dir.settings().current().await?.password;
        let new = NewUser {
            username: input.username,
            email: row.email.clone(),
            full_name: input.full_name,
            role: parse_role(&row.role)?,
            status: Status::Active,
            password: Some(input.password),
            must_change_password: false,
        }
        .validate(self.dir.db(), &policy)
        .await?;
        let group_ids: Vec<Uuid> = serde_json::from_str(&row.group_ids)
            .map_err(|e| Error::Internal(format!("stored group ids: {e}")))?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        self.inviter_may_still_grant(&txn, &row).await?;
        let user = accounts::insert(&txn, new, now).await?;
        let claimed = invites::Entity::update_many()
            .col_expr(invites::Column::AcceptedAt, Expr::value(now))
            .col_expr(invites::Column::AcceptedBy, Expr::value(user.id.0))
            .filter(invites::Column::Id.eq(row.id))
            .filter(invites::Column::AcceptedAt.is_null())
            .filter(invites::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            return Err(Error::Link(LinkProblem::Used));
        }
        for group in group_ids {
            // A group deleted since the invite was made is skipped, not an error.
            if crate::entities::groups::Entity::find_by_id(group)
                .one(&txn)
                .await?
                .is_some()
            {
                memberships::add_membership(&txn, GroupId(group), user.id, now).await?;
            }
        }
        let me = user.as_actor(actor.ip.clone(), actor.user_agent.clone());
        let entry = Entry::new("invite.accept")
            .target("user", user.id, user.username.as_str())
            .detail("invite_id", row.id.to_string())
            .detail("role", user.role.name())
            .detail("invited_by", row.invited_by_name.as_str());
        audit::record(&txn, &me, now, entry).await?;
        txn.commit().await?;
        Ok(user)
    }

    async fn usable(&self, conn: &impl ConnectionTrait, token: &str) -> Result<invites::Model> {
        if !tokens::well_formed(token) {
            return Err(Error::Link(LinkProblem::Unknown));
        }
        let row = invites::Entity::find()
            .filter(invites::Column::TokenHash.eq(tokens::digest(token)))
            .one(conn)
            .await?
            .ok_or(Error::Link(LinkProblem::Unknown))?;
        match state(&row, self.dir.now()) {
            InviteState::Pending => Ok(row),
            InviteState::Expired => Err(Error::Link(LinkProblem::Expired)),
            InviteState::Accepted => Err(Error::Link(LinkProblem::Used)),
            InviteState::Revoked => Err(Error::Link(LinkProblem::Revoked)),
        }
    }

    /// An invite still open (pending or expired) that `actor` could have made: reissuing,
    /// mailing and revoking take exactly the checks of [`Invites::create`].
    async fn open_invite(&self, actor: &Actor, id: Uuid) -> Result<invites::Model> {
        policy::require(actor, Permission::UsersCreate)?;
        let row = invites::Entity::find_by_id(id)
            .one(self.dir.db())
            .await?
            .ok_or(Error::NotFound("invite"))?;
        may_grant(
            self.dir.db(),
            actor,
            parse_role(&row.role)?,
            &stored_groups(&row),
        )
        .await?;
        match state(&row, self.dir.now()) {
            InviteState::Accepted => Err(Error::Conflict(
                "This invite was accepted already.".to_string(),
            )),
            InviteState::Revoked => Err(Error::Conflict("This invite was revoked.".to_string())),
            _ => Ok(row),
        }
    }

    /// At the moment a link is opened or used, whoever made the invite must still exist, be
    /// active and be allowed to grant its role and groups; otherwise the link is dead. On
    /// acceptance this runs inside the transaction, with the inviter's row locked on
    /// PostgreSQL, so a demotion in another process cannot slip in between.
    async fn inviter_may_still_grant(
        &self,
        conn: &impl ConnectionTrait,
        row: &invites::Model,
    ) -> Result<()> {
        let Some(inviter) = row.invited_by else {
            // Made by the command line, which may grant anything.
            return Ok(());
        };
        let dead = Error::Link(LinkProblem::Revoked);
        let mut query = crate::entities::users::Entity::find_by_id(inviter);
        if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
            query = query.lock_exclusive();
        }
        let Some(found) = query.one(conn).await? else {
            return Err(dead);
        };
        let mut user = User::from_row(found)?;
        if user.status != Status::Active {
            return Err(dead);
        }
        user.admin_by_group = memberships::in_admin_group(conn, user.id).await?;
        let actor = user.as_actor(None, None);
        let answer = may_grant(conn, &actor, parse_role(&row.role)?, &stored_groups(row)).await;
        if crate::error::allowed(answer)? {
            Ok(())
        } else {
            Err(dead)
        }
    }

    /// Whether `actor` may see or pass on the link of this invite (the outbox's links).
    pub(crate) async fn may_pass_on(&self, actor: &Actor, id: Uuid) -> Result<bool> {
        let Some(row) = invites::Entity::find_by_id(id).one(self.dir.db()).await? else {
            return Ok(false);
        };
        let groups = stored_groups(&row);
        crate::error::allowed(
            may_grant(self.dir.db(), actor, parse_role(&row.role)?, &groups).await,
        )
    }

    /// The names of every group the invites name, in one query.
    async fn group_names(&self, rows: &[invites::Model]) -> Result<HashMap<Uuid, String>> {
        let ids: Vec<Uuid> = rows.iter().flat_map(group_ids).collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let pairs: Vec<(Uuid, String)> = crate::entities::groups::Entity::find()
            .select_only()
            .column(crate::entities::groups::Column::Id)
            .column(crate::entities::groups::Column::Name)
            .filter(crate::entities::groups::Column::Id.is_in(ids))
            .into_tuple()
            .all(self.dir.db())
            .await?;
        Ok(pairs.into_iter().collect())
    }

    fn link(&self, token: &SecretString) -> String {
        format!("{}/invite/{}", self.dir.base_url(), token.expose())
    }

    fn mail(&self, row: &invites::Model, link: &str, now: OffsetDateTime) -> mail::Mail {
        mail::invite(mail::InviteMail {
            invite_id: row.id,
            to: &Email::from_stored(row.email.clone()),
            inviter: &row.invited_by_name,
            role: &row.role,
            link,
            base_url: &self.dir.base_url(),
            window: mail::Window {
                now,
                expires_at: row.expires_at,
            },
        })
    }
}

/// The one check for making, reissuing, mailing, revoking or passing on an invite, and (with
/// the inviter as actor) for accepting it: `users.create`; `users.set_role` for any role but
/// `user` or any administrators' group; only an owner (or the command line) invites an owner.
/// Groups deleted since are skipped. Answers the names of the groups that remain.
async fn may_grant(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    role: Role,
    groups: &[GroupId],
) -> Result<Vec<String>> {
    policy::require(actor, Permission::UsersCreate)?;
    if role != Role::User {
        policy::require(actor, Permission::UsersSetRole)?;
    }
    if role == Role::Owner && !crate::policy::is_owner_or_system(actor) {
        return Err(Error::Forbidden(Permission::UsersSetRole));
    }
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    policy::require(actor, Permission::GroupsWrite)?;
    let rows = crate::entities::groups::Entity::find()
        .filter(crate::entities::groups::Column::Id.is_in(groups.iter().map(|g| g.0)))
        .all(conn)
        .await?;
    if rows.iter().any(|group| group.is_admin) {
        policy::require(actor, Permission::UsersSetRole)?;
    }
    let mut names: Vec<String> = rows.into_iter().map(|group| group.name).collect();
    names.sort();
    Ok(names)
}

async fn refuse_known_email(conn: &impl ConnectionTrait, email: &Email) -> Result<()> {
    if accounts::email_in_use(conn, email).await? {
        return Err(Error::Conflict(format!("{email} already has an account.")));
    }
    let open = invites::Entity::find()
        .filter(invites::Column::Email.eq(email.as_str()))
        .filter(invites::Column::AcceptedAt.is_null())
        .filter(invites::Column::RevokedAt.is_null())
        .count(conn)
        .await?;
    if open > 0 {
        return Err(Error::Conflict(format!(
            "{email} has an open invite already: resend it or revoke it first."
        )));
    }
    Ok(())
}

fn group_ids(row: &invites::Model) -> Vec<Uuid> {
    serde_json::from_str(&row.group_ids).unwrap_or_default()
}

fn stored_groups(row: &invites::Model) -> Vec<GroupId> {
    group_ids(row).into_iter().map(GroupId).collect()
}

/// The invite's group names, sorted; a group deleted since is left out.
fn named(row: &invites::Model, names: &HashMap<Uuid, String>) -> Vec<String> {
    let mut list: Vec<String> = group_ids(row)
        .iter()
        .filter_map(|id| names.get(id).cloned())
        .collect();
    list.sort();
    list
}

fn state(row: &invites::Model, now: OffsetDateTime) -> InviteState {
    if row.accepted_at.is_some() {
        InviteState::Accepted
    } else if row.revoked_at.is_some() {
        InviteState::Revoked
    } else if row.expires_at <= now {
        InviteState::Expired
    } else {
        InviteState::Pending
    }
}

fn parse_role(name: &str) -> Result<Role> {
    Role::parse(name).map_err(|_| Error::Internal(format!("unknown stored role {name:?}")))
}

fn to_invite(row: invites::Model, groups: Vec<String>, now: OffsetDateTime) -> Result<Invite> {
    Ok(Invite {
        state: state(&row, now),
        id: row.id,
        email: Email::from_stored(row.email),
        role: parse_role(&row.role)?,
        groups,
        invited_by: row.invited_by_name,
        created_at: row.created_at,
        sent_at: row.sent_at,
        expires_at: row.expires_at,
    })
}

/// "Ada.Lovelace+id@example.org" → "ada.lovelace": the local part cut at `+`, kept to the
/// username rules, or empty when nothing usable is left.
pub fn suggest_username(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let local = local.split('+').next().unwrap_or_default();
    let cleaned: String = local
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '.' | '-' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            '_' => Some('-'),
            _ => None,
        })
        .take(rules::USERNAME_MAX)
        .collect();
    let cleaned = cleaned.trim_matches(['.', '-']).to_string();
    rules::normalize_username(&cleaned).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::suggest_username;

    #[test]
    fn usernames_are_suggested_from_the_local_part() {
        assert_eq!(
            suggest_username("Ada.Lovelace+gh@example.org"),
            "ada.lovelace"
        );
        assert_eq!(suggest_username("grace_hopper@example.org"), "grace-hopper");
        assert_eq!(suggest_username("..x@example.org"), "");
        assert_eq!(suggest_username("admin@example.org"), "");
    }
}
