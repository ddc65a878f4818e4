//! `/api/v1/audit`: the audit trail searched, newest first, a page at a time, and exported
//! whole (CSV or JSON) as a stream that reads a thousand rows at a time, so memory stays flat
//! however many rows there are.

use super::caller::ApiResult;
use super::export::Format;
use super::paging::{self, PageParams};
use super::types::{AuditList, AuditOut, ErrorBody};
use crate::web::AppState;
use app::ssr::Visitor;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use directory::audit_search::AuditFilter;
use directory::{Actor, Directory, Error};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Rows read per query while exporting.
const EXPORT_BATCH: u64 = 1_000;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_audit))
        .routes(routes!(export_audit))
}

/// The filters of the Activity page.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct Filters {
    /// A username the row names as actor or as target.
    user: Option<String>,
    /// A username the row names as actor.
    actor: Option<String>,
    /// A target's name or id.
    target: Option<String>,
    /// A family (`auth`, `user`, `group`, `invite`, `app`, `settings`, `key`) or an action.
    action: Option<String>,
    /// `success` or `failure`.
    result: Option<String>,
    /// From this time (RFC 3339) or day (`YYYY-MM-DD`), inclusive.
    from: Option<String>,
    /// Up to this time, exclusive, or to the end of this day.
    to: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatParam {
    /// `csv` (default) or `json`.
    format: Option<String>,
}

pub(crate) fn filter(f: Filters) -> Result<AuditFilter, Error> {
    AuditFilter::parse(
        f.user,
        f.actor,
        f.target,
        f.action,
        f.result.as_deref(),
        f.from.as_deref(),
        f.to.as_deref(),
    )
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/audit", tag = "audit", params(Filters, PageParams),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = AuditList, description = "A page of rows"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs audit.read"), (status = 422, body = ErrorBody, description = "A filter is not valid")))]
async fn search_audit(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(filters): Query<Filters>,
    Query(paging): Query<PageParams>,
) -> ApiResult<Json<AuditList>> {
    directory::policy::require(&visitor.actor, directory::Permission::AuditRead)?;
    let filter = filter(filters)?;
    let before = paging.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = paging::limit(paging.limit)?;
    let (events, more) = state
        .dir
        .audit()
        .search(&visitor.actor, &filter, before, limit)
        .await?;
    let next_cursor = more
        .then(|| {
            events
                .last()
                .map(|e| paging::encode('a', &e.id.to_string()))
        })
        .flatten();
    Ok(Json(AuditList {
        items: events.into_iter().map(AuditOut::from).collect(),
        next_cursor,
    }))
}

fn decode_cursor(cursor: &str) -> Result<i64, Error> {
    paging::decode('a', cursor)?
        .parse()
        .map_err(|_| Error::invalid("cursor", "This cursor is not one this API gave out."))
}

/// Every row matching the filters, newest first, as a download.
#[utoipa::path(get, path = "/audit/export", tag = "audit", params(Filters, FormatParam),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, description = "CSV (`text/csv`) or a JSON array (`application/json`) of rows", content_type = "text/csv"),
        (status = 401, body = ErrorBody, description = "Not signed in"), (status = 403, body = ErrorBody, description = "Needs audit.read"),
        (status = 422, body = ErrorBody, description = "A filter is not valid")))]
async fn export_audit(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(filters): Query<Filters>,
    Query(format): Query<FormatParam>,
) -> ApiResult<Response> {
    directory::policy::require(&visitor.actor, directory::Permission::AuditRead)?;
    let format = Format::parse(format.format.as_deref())?;
    let filter = filter(filters)?;
    state
        .dir
        .audit()
        .note_export(&visitor.actor, &filter, format.name())
        .await?;
    // The first page is read before answering, so a refusal is still an error status.
    let first = state
        .dir
        .audit()
        .search(&visitor.actor, &filter, None, EXPORT_BATCH)
        .await?;
    let export = Export {
        dir: state.dir.clone(),
        actor: visitor.actor,
        filter,
        format,
        first: Some(first),
        before: None,
        rows: 0,
        done: false,
    };
    // Fused: the compression layer polls a body once more after its end.
    let stream = futures_util::StreamExt::fuse(futures_util::stream::unfold(
        export,
        |mut export| async move {
            let chunk = export.next_chunk().await?;
            Some((chunk, export))
        },
    ));
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static(format.disposition()),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Where an export stands between chunks.
struct Export {
    dir: Directory,
    actor: Actor,
    filter: AuditFilter,
    format: Format,
    first: Option<(Vec<directory::audit_search::AuditEvent>, bool)>,
    /// The id of the last row sent.
    before: Option<i64>,
    rows: u64,
    done: bool,
}

impl Export {
    /// The next piece of the file; `None` once it has all been sent.
    async fn next_chunk(&mut self) -> Option<Result<Bytes, std::io::Error>> {
        if self.done {
            return None;
        }
        // The first batch, read before the answer began, opens the file.
        let opening = self.first.is_some();
        let page = match self.first.take() {
            Some(first) => Ok(first),
            None => {
                self.dir
                    .audit()
                    .search(&self.actor, &self.filter, self.before, EXPORT_BATCH)
                    .await
            }
        };
        let (events, more) = match page {
            Ok(page) => page,
            Err(err) => {
                tracing::error!(error = %err, "audit export failed part way");
                self.done = true;
                return Some(Err(std::io::Error::other("the audit export failed")));
            }
        };
        let mut out = String::with_capacity(events.len() * 200);
        if opening {
            out.push_str(self.format.opening());
        }
        for event in &events {
            self.format.row(&mut out, event, self.rows == 0);
            self.rows += 1;
        }
        self.before = events.last().map(|e| e.id);
        if !more {
            self.done = true;
            out.push_str(self.format.closing());
        }
        Some(Ok(Bytes::from(out)))
    }
}
