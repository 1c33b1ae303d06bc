//! The batch's writes as one statement: each incident's new clock, marks, rung and leader,
//! guarded by the version and due time the batch read, the version bumped. The statement
//! answers the rows it changed; a row changed meanwhile (an action, another pass) is not among
//! them and keeps that write.

use std::collections::HashSet;

use gridgov_core::escalation::{Guarantor, Mark, Rung};
use gridgov_core::incidents::IncidentEvent;
use sqlx::AnyConnection;

use super::Escalation;
use super::batch::Due;
use crate::StoreResult;

/// One incident as the batch leaves it.
pub(super) struct Row {
    pub county: String,
    pub id: String,
    pub number: String,
    pub path: String,
    pub state: String,
    pub version: i64,
    /// The due time read: the guard.
    pub read_due: Option<i64>,
    pub clock_started_at: Option<i64>,
    pub due_at: Option<i64>,
    pub warn_at: Option<i64>,
    pub warned_at: Option<i64>,
    pub overdue_at: Option<i64>,
    pub ladder_level: Option<i64>,
    pub ladder_attempt: Option<i64>,
    pub ladder_top_at: Option<i64>,
    pub guarantor_id: Option<String>,
    pub guarantor_name: Option<String>,
    pub escalate_at: Option<i64>,
    /// Reached the top in this batch (the leader named now).
    pub top: bool,
    pub rung: Option<Rung>,
    pub events: Vec<IncidentEvent>,
}

impl Row {
    /// The incident as read, to change.
    pub(super) fn unchanged(d: &Due) -> Row {
        Row {
            county: d.county_code.clone(),
            id: d.id.clone(),
            number: d.number.clone(),
            path: d.path.clone(),
            state: d.state.clone(),
            version: d.version,
            read_due: d.due_at,
            clock_started_at: None,
            due_at: d.due_at,
            warn_at: d.warn_at,
            warned_at: d.warned_at,
            overdue_at: d.overdue_at,
            ladder_level: d.ladder_level,
            ladder_attempt: d.ladder_attempt,
            ladder_top_at: d.ladder_top_at,
            guarantor_id: d.guarantor_id.clone(),
            guarantor_name: d.guarantor_name.clone(),
            escalate_at: None,
            top: false,
            rung: None,
            events: Vec::new(),
        }
    }

    /// What was done, for the pass's answer.
    pub(super) fn escalation(&self) -> Escalation {
        Escalation {
            county_code: self.county.clone(),
            id: self.id.clone(),
            number: self.number.clone(),
            path: self.path.clone(),
            marks: self
                .events
                .iter()
                .filter_map(|e| Mark::parse("kind", e.kind()).ok())
                .collect(),
            rung: self.rung.clone(),
            guarantor: match (&self.guarantor_id, &self.guarantor_name) {
                (Some(user_id), Some(name)) if self.top => Some(Guarantor {
                    user_id: user_id.clone(),
                    name: name.clone(),
                }),
                _ => None,
            },
            due_at: self.clock_started_at.and(self.due_at),
        }
    }
}

/// Parameters bound per row.
const PER_ROW: usize = 16;

/// Writes the rows in one statement; the keys (county, id) of those written.
pub(super) async fn write_rows(
    conn: &mut AnyConnection,
    rows: &[Row],
    now: i64,
) -> StoreResult<HashSet<(String, String)>> {
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    let values = (0..rows.len())
        .map(|i| {
            let b = 2 + PER_ROW * i;
            let p: Vec<String> = (b..b + PER_ROW).map(|n| format!("${n}")).collect();
            format!("({})", p.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ");
    // A restarted clock (`k_restart` = 1) takes the new start and due time; the guard compares
    // the due time read, NULL with NULL.
    let sql = format!(
        "WITH v (k_county, k_id, k_version, k_due, k_restart, k_started, k_new_due, k_warn, \
         k_warned, k_overdue, k_level, k_attempt, k_top, k_gid, k_gname, k_escalate) AS \
         (VALUES {values}) \
         UPDATE incidents SET \
         clock_started_at = CASE WHEN v.k_restart = 1 THEN v.k_started ELSE clock_started_at END, \
         due_at = CASE WHEN v.k_restart = 1 THEN v.k_new_due ELSE due_at END, \
         warn_at = v.k_warn, warned_at = v.k_warned, overdue_at = v.k_overdue, \
         ladder_level = v.k_level, ladder_attempt = v.k_attempt, ladder_top_at = v.k_top, \
         guarantor_id = v.k_gid, guarantor_name = v.k_gname, \
         escalate_at = v.k_escalate, version = incidents.version + 1, updated_at = $1 \
         FROM v WHERE incidents.county_code = v.k_county AND incidents.id = v.k_id \
         AND incidents.version = v.k_version \
         AND (incidents.due_at = v.k_due OR (incidents.due_at IS NULL AND v.k_due IS NULL)) \
         RETURNING county_code, id"
    );
    let mut q = sqlx::query_as::<_, (String, String)>(&sql).bind(now);
    for r in rows {
        q = q
            .bind(r.county.as_str())
            .bind(r.id.as_str())
            .bind(r.version)
            .bind(r.read_due)
            .bind(i64::from(r.clock_started_at.is_some()))
            .bind(r.clock_started_at)
            .bind(r.due_at)
            .bind(r.warn_at)
            .bind(r.warned_at)
            .bind(r.overdue_at)
            .bind(r.ladder_level)
            .bind(r.ladder_attempt)
            .bind(r.ladder_top_at)
            .bind(r.guarantor_id.as_deref())
            .bind(r.guarantor_name.as_deref())
            .bind(r.escalate_at);
    }
    Ok(q.fetch_all(&mut *conn).await?.into_iter().collect())
}
