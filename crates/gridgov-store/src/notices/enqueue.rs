//! Enqueueing a notice of any kind for a set of recipients, inside the caller's transaction:
//! one inbox row per recipient, and the outbound deliveries the region's `notify_channels`
//! setting asks for (an SMS to each recipient with a phone, one message to each group robot).
//! Both are unique by event (a notice per recipient and event; a delivery per event, channel
//! and target), so enqueueing twice sends nothing twice, and two recipients sharing one phone
//! get one SMS.

use std::collections::{BTreeSet, HashMap};

use gridgov_core::notify::{DELIVERY_MAX_ATTEMPTS, NoticeKind, NotifyChannels};
use sqlx::AnyConnection;

use super::NOTIFY_DELIVER;
use crate::StoreResult;
use crate::db::numbered_params;
use crate::jobs::NewJob;
use crate::settings::layers_for_path;

/// A notice to enqueue.
#[derive(Debug, Clone)]
pub struct NewNotice {
    pub kind: NoticeKind,
    /// The incident it is about, if any.
    pub county_code: Option<String>,
    pub incident_id: Option<String>,
    pub incident_number: String,
    pub title: String,
    /// What the kind's sentence needs besides (see `gridgov_core::notify::render`).
    pub params: serde_json::Value,
    /// The event it tells of: a recipient gets one notice per key, however often it is
    /// enqueued (`incident:<county>:<id>:<version>:<kind>`).
    pub event_key: String,
    /// Where its channels are set: the incident's path.
    pub path: String,
}

/// Rows per statement: inbox rows bind 10 values, deliveries 8, users 1; well under either
/// database's limit on parameters.
const CHUNK: usize = 500;

/// The phones of the users it goes to, read in the transaction: disabled accounts get nothing.
async fn recipients(
    conn: &mut AnyConnection,
    users: &BTreeSet<&str>,
) -> StoreResult<HashMap<String, String>> {
    let mut found = HashMap::new();
    let all: Vec<&str> = users.iter().copied().collect();
    for chunk in all.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, phone FROM users WHERE disabled = 0 AND id IN ({})",
            numbered_params(1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String, String)>(&sql);
        for u in chunk {
            q = q.bind(*u);
        }
        found.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

/// One notice of a batch: what it says, to whom, on the channels of its place.
pub struct Planned<'a> {
    pub notice: &'a NewNotice,
    pub users: Vec<String>,
    pub channels: &'a NotifyChannels,
}

/// Enqueues the notice for each of `users` inside the caller's transaction and answers how
/// many inbox rows it wrote (recipients that had it already, or are disabled, are skipped).
pub async fn enqueue_notices(
    conn: &mut AnyConnection,
    now: i64,
    notice: &NewNotice,
    users: &[String],
) -> StoreResult<usize> {
    if users.is_empty() {
        return Ok(0);
    }
    let channels = layers_for_path(conn, &notice.path).await?.notify_channels();
    let planned = Planned {
        notice,
        users: users.to_vec(),
        channels: &channels,
    };
    enqueue_batch(conn, now, &[planned]).await
}

/// Enqueues many notices in a few statements, for a pass that tells of a thousand incidents at
/// once (the escalation pass): the recipients read once, the inbox rows and deliveries written
/// `CHUNK` rows a statement. Answers the inbox rows written.
pub async fn enqueue_batch(
    conn: &mut AnyConnection,
    now: i64,
    batch: &[Planned<'_>],
) -> StoreResult<usize> {
    let wanted: BTreeSet<&str> = batch
        .iter()
        .flat_map(|p| p.users.iter().map(String::as_str))
        .collect();
    if wanted.is_empty() {
        return Ok(0);
    }
    let phones = recipients(conn, &wanted).await?;
    // (notice of the batch, user): one inbox row each, a user named twice in one notice once.
    let mut rows: Vec<(usize, &str)> = Vec::new();
    for (n, p) in batch.iter().enumerate() {
        let users: BTreeSet<&str> = p.users.iter().map(String::as_str).collect();
        rows.extend(
            users
                .into_iter()
                .filter(|u| phones.contains_key(*u))
                .map(|u| (n, u)),
        );
    }
    // What was made: (notice of the batch, inbox id, user).
    let mut made: Vec<(usize, String, String)> = Vec::new();
    for chunk in rows.chunks(CHUNK) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", numbered_params(1 + i * 10, 10)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO notices (id, user_id, kind, county_code, incident_id, incident_number, \
             title, params, event_key, created_at) VALUES {values} \
             ON CONFLICT (event_key, user_id) DO NOTHING RETURNING id, user_id, event_key"
        );
        let mut q = sqlx::query_as::<_, (String, String, String)>(&sql);
        for (n, user) in chunk {
            let notice = batch[*n].notice;
            q = q
                .bind(uuid::Uuid::now_v7().simple().to_string())
                .bind(*user)
                .bind(notice.kind.as_str())
                .bind(notice.county_code.as_deref())
                .bind(notice.incident_id.as_deref())
                .bind(&notice.incident_number)
                .bind(&notice.title)
                .bind(notice.params.to_string())
                .bind(&notice.event_key)
                .bind(now);
        }
        let by_key: HashMap<&str, usize> = chunk
            .iter()
            .map(|(n, _)| (batch[*n].notice.event_key.as_str(), *n))
            .collect();
        for (id, user, key) in q.fetch_all(&mut *conn).await? {
            if let Some(n) = by_key.get(key.as_str()) {
                made.push((*n, id, user));
            }
        }
    }
    if made.is_empty() {
        return Ok(0);
    }
    // The oldest id first, so the group robots' message names a stable notice.
    made.sort();
    // (notice of the batch, inbox id, channel, target, when).
    let mut deliveries: Vec<(usize, String, &str, String, i64)> = Vec::new();
    let mut robots_done = BTreeSet::new();
    for (n, id, user) in &made {
        let channels = batch[*n].channels;
        if channels.sms.is_some()
            && let Some(phone) = phones.get(user).map(|p| p.trim()).filter(|p| !p.is_empty())
        {
            let at = channels.quiet().map_or(now, |q| q.release_at(now));
            deliveries.push((*n, id.clone(), "sms", phone.to_owned(), at));
        }
        if robots_done.insert(*n) {
            for r in &channels.robots {
                deliveries.push((*n, id.clone(), r.channel.as_str(), r.name.clone(), now));
            }
        }
    }
    for chunk in deliveries.chunks(CHUNK) {
        let values = (0..chunk.len())
            .map(|i| {
                let first = 1 + i * 8;
                format!(
                    "({}, 'pending', 0, {DELIVERY_MAX_ATTEMPTS}, ${})",
                    numbered_params(first, 8),
                    first + 7
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO notice_deliveries (id, notice_id, channel, target, dedupe_key, path, \
             next_at, created_at, state, attempts, max_attempts, updated_at) VALUES {values} \
             ON CONFLICT (dedupe_key) DO NOTHING"
        );
        let mut q = sqlx::query(&sql);
        for (n, notice_id, channel, target, at) in chunk {
            let notice = batch[*n].notice;
            q = q
                .bind(uuid::Uuid::now_v7().simple().to_string())
                .bind(notice_id)
                .bind(*channel)
                .bind(target)
                .bind(format!("{}|{channel}|{target}", notice.event_key))
                .bind(&notice.path)
                .bind(*at)
                .bind(now);
        }
        q.execute(&mut *conn).await?;
    }
    if deliveries.iter().any(|d| d.4 <= now) {
        // One sending job per second however many events enqueue: the runner picks it up at
        // its next poll. What waits (quiet hours, a backoff) is picked up by the periodic one.
        let job = NewJob::system(NOTIFY_DELIVER, serde_json::json!({}))
            .keyed(format!("{NOTIFY_DELIVER}:{}", now / 1000));
        crate::jobs::insert_job(conn, &job, now).await?;
    }
    Ok(made.len())
}

impl crate::Store {
    /// [`enqueue_notices`] in a write transaction of its own, for a caller with nothing else to
    /// write (a command, a benchmark).
    pub async fn notify(&self, notice: &NewNotice, users: &[String]) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let n = enqueue_notices(&mut tx, self.now_ms(), notice, users).await?;
        tx.commit().await?;
        Ok(n)
    }
}
