//! The caller's own notices: a page of them newest first, the unread count, and marking read.
//! Nothing here names another user: the store reads and writes only the caller's inbox.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gridgov_store::notices::{Notice, NoticePage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/api/v1/notices", list)
        .get("/api/v1/notices/unread", unread)
        .post("/api/v1/notices/read-all", read_all)
        .post("/api/v1/notices/{id}/read", read)
}

/// One notice, its sentence in both languages.
#[derive(Serialize, ToSchema)]
pub struct NoticeView {
    pub id: String,
    /// assigned, sent_back, summoned, evaluated, due_soon, overdue, escalated, supervised.
    pub kind: String,
    pub county_code: Option<String>,
    pub incident_id: Option<String>,
    pub incident_number: String,
    pub title: String,
    pub text_zh: String,
    pub text_en: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

impl From<Notice> for NoticeView {
    fn from(n: Notice) -> Self {
        NoticeView {
            id: n.id,
            kind: n.kind.as_str().to_owned(),
            county_code: n.county_code,
            incident_id: n.incident_id,
            incident_number: n.incident_number,
            title: n.title,
            text_zh: n.text_zh,
            text_en: n.text_en,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NoticeList {
    pub items: Vec<NoticeView>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<String>,
    /// Unread notices, counted up to 100.
    pub unread: i64,
}

impl From<NoticePage> for NoticeList {
    fn from(p: NoticePage) -> Self {
        NoticeList {
            items: p.items.into_iter().map(Into::into).collect(),
            next: p.next,
            unread: p.unread,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    /// Counted up to 100 (shown as 99+ beyond 99).
    pub unread: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked: u64,
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// The cursor of the page before (`next`).
    after: Option<String>,
    /// 1–200, default 50.
    limit: Option<i64>,
}

#[utoipa::path(get, operation_id = "list_notices", tag = "notices", path = "/api/v1/notices",
    params(ListParams),
    responses((status = 200, body = NoticeList, description = "The caller's notices, newest first"),
        (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "A cursor that does not read (`after`)")))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<NoticeList>, AppError> {
    let page = state
        .store
        .notices(
            &u.actor,
            p.after.as_deref().unwrap_or(""),
            p.limit.unwrap_or(50),
        )
        .await?;
    Ok(Json(page.into()))
}

#[utoipa::path(get, operation_id = "unread_notices", tag = "notices",
    path = "/api/v1/notices/unread",
    responses((status = 200, body = UnreadCount), (status = 401, body = ErrorBody)))]
pub async fn unread(
    State(state): State<AppState>,
    u: ApiUser,
) -> Result<Json<UnreadCount>, AppError> {
    Ok(Json(UnreadCount {
        unread: state.store.unread_notices(&u.actor).await?,
    }))
}

#[utoipa::path(post, operation_id = "read_notice", tag = "notices",
    path = "/api/v1/notices/{id}/read", params(("id" = String, Path)),
    responses((status = 204, description = "Read (again is no change)"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "Not one of the caller's notices")))]
pub async fn read(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    state.store.mark_notice_read(&u.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, operation_id = "read_all_notices", tag = "notices",
    path = "/api/v1/notices/read-all",
    responses((status = 200, body = MarkedRead, description = "How many were unread"),
        (status = 401, body = ErrorBody)))]
pub async fn read_all(
    State(state): State<AppState>,
    u: ApiUser,
) -> Result<Json<MarkedRead>, AppError> {
    Ok(Json(MarkedRead {
        marked: state.store.mark_all_notices_read(&u.actor).await?,
    }))
}
