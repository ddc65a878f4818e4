//! Who is asking, and what holds them: the one question every door (pages, server functions,
//! REST, OIDC, LDAP) asks first, answered the same way for all of them.

use crate::Directory;
use crate::auth::Auth;
use crate::error::Result;
use crate::ids::UserId;
use crate::policy::Actor;
use crate::sessions::ImpersonationMark;
use crate::store::user_rows::User;
pub use vocab::Hold;

/// What a door knows about a request before asking.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// The user a session (or, later, a key or token) names.
    pub user: Option<UserId>,
    /// Set when the session is an administrator's impersonation.
    pub impersonation: Option<ImpersonationMark>,
    /// The hashed id of the web session, if the request came with one.
    pub session: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The answer: who acts, their account, and what holds them.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub actor: Actor,
    pub user: Option<User>,
    pub hold: Option<Hold>,
    /// The facts named someone who may no longer be signed in (suspended, deleted, an
    /// impersonation past its time): the door should end the session.
    pub ended: bool,
}

impl Auth<'_> {
    /// Resolves a request's facts to an actor and hold. Served from this process's caches when
    /// they are current, so a signed-in request costs no database round trip here.
    pub async fn resolve(&self, facts: Facts) -> Result<Resolved> {
        let anonymous = |ended| Resolved {
            actor: Actor::anonymous(facts.ip.clone(), facts.user_agent.clone()),
            user: None,
            hold: None,
            ended,
        };
        let Some(id) = facts.user else {
            return Ok(anonymous(false));
        };
        let Some(signed_in) = self.session(id, facts.impersonation.as_ref()).await? else {
            return Ok(anonymous(true));
        };
        let mut actor = signed_in.actor(facts.ip.clone(), facts.user_agent.clone());
        actor.session = facts.session.clone();
        let hold = hold(self.dir, &actor, &signed_in.user).await?;
        Ok(Resolved {
            actor,
            user: Some(signed_in.user),
            hold,
            ended: false,
        })
    }
}

impl Auth<'_> {
    /// Resolves a request that came with an API key (`Authorization: Bearer gate_…`): the key's
    /// owner as they are now, held by the same steps a session would be.
    pub async fn resolve_key(
        &self,
        key: &str,
        ip: Option<String>,
        user_agent: Option<String>,
    ) -> Result<Resolved> {
        let (actor, user) = self
            .dir
            .api_keys()
            .authenticate(key, ip, user_agent)
            .await?;
        let hold = hold(self.dir, &actor, &user).await?;
        Ok(Resolved {
            actor,
            user: Some(user),
            hold,
            ended: false,
        })
    }
}

/// Which step holds this user. An administrator impersonating someone is never held: the
/// password and the second factor are the user's own to choose.
async fn hold(dir: &Directory, actor: &Actor, user: &User) -> Result<Option<Hold>> {
    if actor.impersonator.is_some() {
        return Ok(None);
    }
    if user.must_change_password {
        return Ok(Some(Hold::PasswordChange));
    }
    if !user.mfa_enabled && dir.settings().current().await?.mfa_required {
        return Ok(Some(Hold::MfaSetup));
    }
    Ok(None)
}
