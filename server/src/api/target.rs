//! Which account a request names: a path's `{user}` (an id or a username) or a `?user=`
//! defaulting to the caller. An id goes to the service as it is (the service checks all);
//! a username is looked up under the caller's own permissions.

use crate::web::AppState;
use app::ssr::Visitor;
use directory::{Error, UserId};
use serde::Deserialize;
use utoipa::IntoParams;

pub(super) async fn target(
    state: &AppState,
    visitor: &Visitor,
    user: &str,
) -> Result<UserId, Error> {
    match user.parse::<UserId>() {
        Ok(id) => Ok(id),
        Err(_) => Ok(state.dir.users().lookup(&visitor.actor, user).await?.id),
    }
}

/// Whose sessions or keys: another user's (for those who may change their account), or by
/// default the caller's own.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Whose {
    /// Another user's id or username (needs users.update, on an account within reach);
    /// default the caller.
    user: Option<String>,
}

impl Whose {
    pub(super) async fn owner(&self, state: &AppState, visitor: &Visitor) -> Result<UserId, Error> {
        match &self.user {
            Some(user) => target(state, visitor, user).await,
            None => visitor.actor.user_id().ok_or(Error::Unauthenticated),
        }
    }
}
