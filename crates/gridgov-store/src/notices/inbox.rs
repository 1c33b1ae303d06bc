//! A user's inbox: their notices newest first by keyset, the unread count of the page header,
//! and marking read. Every statement filters by the caller's own user id: a notice is its
//! recipient's alone, and another user's is `NotFound`.

use gridgov_core::FieldError;
use gridgov_core::auth::Actor;
use gridgov_core::notify::{NoticeKind, render};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Change};
use crate::{Store, StoreError, StoreResult};

/// The header counts unread notices up to this many and shows "99+" beyond, so the count costs
/// the same however many a user leaves unread.
pub const UNREAD_CAP: i64 = 100;

const PAGE_MAX: i64 = 200;

/// One notice as its recipient sees it, its sentence in both languages.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub id: String,
    pub kind: NoticeKind,
    pub county_code: Option<String>,
    pub incident_id: Option<String>,
    pub incident_number: String,
    pub title: String,
    pub text_zh: String,
    pub text_en: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct NoticeRow {
    id: String,
    kind: String,
    county_code: Option<String>,
    incident_id: Option<String>,
    incident_number: String,
    title: String,
    params: String,
    created_at: i64,
    read_at: Option<i64>,
}

impl NoticeRow {
    fn into_notice(self) -> StoreResult<Notice> {
        let kind = NoticeKind::parse("kind", &self.kind)
            .map_err(|e| StoreError::Internal(format!("stored notice {}: {e}", self.id)))?;
        let params = serde_json::from_str(&self.params).unwrap_or(serde_json::Value::Null);
        let (text_zh, text_en) = render(kind, &self.incident_number, &self.title, &params);
        Ok(Notice {
            id: self.id,
            kind,
            county_code: self.county_code,
            incident_id: self.incident_id,
            incident_number: self.incident_number,
            title: self.title,
            text_zh,
            text_en,
            created_at: self.created_at,
            read_at: self.read_at,
        })
    }
}

/// A page of the inbox.
#[derive(Debug, Clone, Serialize)]
pub struct NoticePage {
    pub items: Vec<Notice>,
    /// The cursor of the next page (`after`), when there is one.
    pub next: Option<String>,
    /// Unread notices, counted up to [`UNREAD_CAP`].
    pub unread: i64,
}

fn bad_cursor() -> StoreError {
    FieldError::new(
        "after",
        "bad_cursor",
        "翻页位置无效",
        "the page cursor is not valid",
    )
    .into()
}

impl Store {
    /// The caller's notices, newest first, `limit` a page after the cursor `after`.
    pub async fn notices(&self, actor: &Actor, after: &str, limit: i64) -> StoreResult<NoticePage> {
        let limit = limit.clamp(1, PAGE_MAX);
        let (at, id) = match after.trim() {
            "" => (i64::MAX, String::new()),
            c => {
                let (at, id) = c.split_once(':').ok_or_else(bad_cursor)?;
                (at.parse().map_err(|_| bad_cursor())?, id.to_owned())
            }
        };
        let rows = sqlx::query_as::<_, NoticeRow>(
            "SELECT id, kind, county_code, incident_id, incident_number, title, params, \
             created_at, read_at FROM notices WHERE user_id = $1 \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4",
        )
        .bind(&actor.user_id)
        .bind(at)
        .bind(if id.is_empty() { "~" } else { id.as_str() })
        .bind(limit + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut items = rows
            .into_iter()
            .map(NoticeRow::into_notice)
            .collect::<StoreResult<Vec<_>>>()?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|n| format!("{}:{}", n.created_at, n.id))
        } else {
            None
        };
        Ok(NoticePage {
            items,
            next,
            unread: self.unread_notices(actor).await?,
        })
    }

    /// The caller's unread notices, up to [`UNREAD_CAP`]: one read of the `(user_id,
    /// read_at)` index, for the header of every desk page.
    pub async fn unread_notices(&self, actor: &Actor) -> StoreResult<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT 1 AS one FROM notices \
             WHERE user_id = $1 AND read_at IS NULL LIMIT $2) AS unread",
        )
        .bind(&actor.user_id)
        .bind(UNREAD_CAP)
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }

    /// Marks one of the caller's notices read (again is a no-op); someone else's is `NotFound`.
    pub async fn mark_notice_read(&self, actor: &Actor, id: &str) -> StoreResult<()> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE notices SET read_at = $3 WHERE id = $1 AND user_id = $2 AND read_at IS NULL",
        )
        .bind(id)
        .bind(&actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            let mine: Option<(String,)> =
                sqlx::query_as("SELECT id FROM notices WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(&actor.user_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return mine.map(|_| ()).ok_or(StoreError::NotFound);
        }
        record(&mut tx, now, actor, json!({"notice": id})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks every unread notice of the caller read; answers how many.
    pub async fn mark_all_notices_read(&self, actor: &Actor) -> StoreResult<u64> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let n =
            sqlx::query("UPDATE notices SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
                .bind(&actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if n > 0 {
            record(&mut tx, now, actor, json!({"all": n})).await?;
        }
        tx.commit().await?;
        Ok(n)
    }
}

/// Reading is recorded on the user's own stream `notices:<user id>`.
async fn record(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    actor: &Actor,
    summary: serde_json::Value,
) -> StoreResult<()> {
    audit::append(
        conn,
        now,
        actor,
        Change {
            action: "notice.read",
            resource: format!("notices:{}", actor.user_id),
            scope_path: actor.scope.as_str(),
            summary,
        },
    )
    .await
}
