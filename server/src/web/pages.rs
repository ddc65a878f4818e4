//! The pages door: Leptos pages rendered on the server, behind a session. Pages anyone may
//! open (sign-in, setup, one-time links) and pages for members get their own gate, chosen
//! when the router is built rather than by looking at each request's path.

use super::{AppState, Context, errors, first_run, identity};
use app::{App, shell};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use leptos::config::LeptosOptions;
use leptos_axum::{AxumRouteListing, generate_route_list};
use leptos_router::SsrMode;

/// Every page of the app, split into public and members' pages, each behind its gate.
pub fn router(state: &AppState, context: Context) -> Router<AppState> {
    let (public, members): (Vec<_>, Vec<_>) = generate_route_list(App)
        .into_iter()
        .partition(|listing| app::is_public_page(listing.path()));
    let public = add_pages(Router::new(), &public, &state.leptos, &context)
        .route("/avatars/{id}", get(super::avatars::get_avatar))
        .layer(from_fn_with_state(state.clone(), public_gate));
    let members = add_pages(Router::new(), &members, &state.leptos, &context)
        .layer(from_fn_with_state(state.clone(), member_gate));
    public.merge(members)
}

/// What answers a path no door knows: a built file from the site root, else the not-found
/// page (behind the members' gate, so a signed-out visitor is sent to sign in first).
pub fn fallback(state: &AppState, context: Context) -> Router<AppState> {
    let context = move || context();
    Router::new()
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(from_fn_with_state(state.clone(), member_gate))
}

fn add_pages(
    mut router: Router<AppState>,
    listings: &[AxumRouteListing],
    leptos: &LeptosOptions,
    context: &Context,
) -> Router<AppState> {
    for listing in listings {
        let leptos = leptos.clone();
        let app = move || shell(leptos.clone());
        let context = context.clone();
        let context = move || context();
        // Pages are only ever read; a form posts to a server function.
        let handler: MethodRouter<AppState> = match listing.mode() {
            SsrMode::Async => get(leptos_axum::render_app_async_with_context(context, app)),
            _ => get(leptos_axum::render_app_to_stream_with_context(context, app)),
        };
        router = router.route(listing.path(), handler);
    }
    router
}

async fn public_gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // `/register/..` matches the link route here, but the page router would read it as `/`:
    // a path with dot segments is no page of ours.
    if has_dot_segment(req.uri().path()) {
        return errors::plain(StatusCode::NOT_FOUND, "not_found", "There is no such page.");
    }
    gate(state, req, next, false).await
}

fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|segment| {
        let lowered = segment.to_ascii_lowercase().replace("%2e", ".");
        lowered == "." || lowered == ".."
    })
}

async fn member_gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    gate(state, req, next, true).await
}

/// Who is asking, then where they must go first: the step that holds them, setup before
/// there is an owner, the sign-in page for a members' page.
async fn gate(state: AppState, mut req: Request, next: Next, members_only: bool) -> Response {
    let visitor = match identity::admit(&state, &mut req).await {
        Ok(visitor) => visitor,
        Err(response) => return response,
    };
    let path = req.uri().path().to_string();
    if let Some(hold) = visitor.hold {
        let page = app::hold_page(hold);
        if path != page {
            return Redirect::to(page).into_response();
        }
    }
    let host = first_run::host_of(&req);
    match first_run::setup_needed(&state, &host, false).await {
        Err(response) => return response,
        Ok(true) if path != "/setup" => return Redirect::to("/setup").into_response(),
        Ok(true) => return next.run(req).await,
        Ok(false) => {}
    }
    let signed_in = visitor.user.is_some();
    if path == "/login" && signed_in {
        return Redirect::to("/").into_response();
    }
    if members_only && !signed_in {
        let wanted = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let target = if wanted == "/" {
            "/login".to_string()
        } else {
            format!("/login?next={}", app::url::encode(wanted))
        };
        return Redirect::to(&target).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::has_dot_segment;

    #[test]
    fn dot_segments_are_found_however_spelled() {
        for path in [
            "/register/..",
            "/invite/%2e%2E",
            "/reset/./x",
            "/register/%2e",
        ] {
            assert!(has_dot_segment(path), "{path}");
        }
        for path in ["/register/abc", "/invite/a.b", "/login"] {
            assert!(!has_dot_segment(path), "{path}");
        }
    }
}
