//! The batch's writes: each incident's new clock, marks, rung and leader, guarded by the version
//! and due time the batch read, the version bumped. The writes answer the rows they changed; a
//! row changed meanwhile (an action, another pass) is not among them and keeps that write.
//!
//! Both dialects take the rows as `UPDATE … FROM (VALUES …)`: PostgreSQL the whole batch in
//! one round trip, SQLite fifty rows a statement, since its driver's binding grows with the
//! square of a statement's parameters (sixteen a row here).

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
    pub title: String,
    pub path: String,
    pub center_path: String,
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
            title: d.title.clone(),
            path: d.path.clone(),
            center_path: d.center_path.clone(),
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

/// The columns a row sets, after `SET`, from the parameters `$n` named by [`set_clause`].
fn set_clause(v: impl Fn(&str) -> String) -> String {
    format!(
        "clock_started_at = CASE WHEN {r} = 1 THEN {started} ELSE clock_started_at END, \
         due_at = CASE WHEN {r} = 1 THEN {new_due} ELSE due_at END, \
         warn_at = {warn}, warned_at = {warned}, overdue_at = {overdue}, \
         ladder_level = {level}, ladder_attempt = {attempt}, ladder_top_at = {top}, \
         guarantor_id = {gid}, guarantor_name = {gname}, escalate_at = {escalate}, \
         version = incidents.version + 1, updated_at = $1",
        r = v("k_restart"),
        started = v("k_started"),
        new_due = v("k_new_due"),
        warn = v("k_warn"),
        warned = v("k_warned"),
        overdue = v("k_overdue"),
        level = v("k_level"),
        attempt = v("k_attempt"),
        top = v("k_top"),
        gid = v("k_gid"),
        gname = v("k_gname"),
        escalate = v("k_escalate"),
    )
}

/// The value names in the order they are bound.
const NAMES: [&str; PER_ROW] = [
    "k_county",
    "k_id",
    "k_version",
    "k_due",
    "k_restart",
    "k_started",
    "k_new_due",
    "k_warn",
    "k_warned",
    "k_overdue",
    "k_level",
    "k_attempt",
    "k_top",
    "k_gid",
    "k_gname",
    "k_escalate",
];

/// Binds one row's values in the order of [`NAMES`].
macro_rules! bind_row {
    ($q:expr, $r:expr) => {
        $q.bind($r.county.as_str())
            .bind($r.id.as_str())
            .bind($r.version)
            .bind($r.read_due)
            .bind(i64::from($r.clock_started_at.is_some()))
            .bind($r.clock_started_at)
            .bind($r.due_at)
            .bind($r.warn_at)
            .bind($r.warned_at)
            .bind($r.overdue_at)
            .bind($r.ladder_level)
            .bind($r.ladder_attempt)
            .bind($r.ladder_top_at)
            .bind($r.guarantor_id.as_deref())
            .bind($r.guarantor_name.as_deref())
            .bind($r.escalate_at)
    };
}

/// The guard, from the names of the key, version and due time read.
fn guard(v: impl Fn(&str) -> String) -> String {
    format!(
        "incidents.county_code = {c} AND incidents.id = {i} AND incidents.version = {ver} \
         AND (incidents.due_at = {d} OR (incidents.due_at IS NULL AND {d} IS NULL))",
        c = v("k_county"),
        i = v("k_id"),
        ver = v("k_version"),
        d = v("k_due"),
    )
}

/// Writes the rows; the keys (county, id) of those written.
pub(super) async fn write_rows(
    conn: &mut AnyConnection,
    rows: &[Row],
    now: i64,
    postgres: bool,
) -> StoreResult<HashSet<(String, String)>> {
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    // Rows per statement: the whole batch on PostgreSQL; fifty on SQLite, whose driver binds
    // a statement's parameters in time growing with the square of their count.
    let per_statement = if postgres { rows.len() } else { 50 };
    let mut written = HashSet::new();
    for chunk in rows.chunks(per_statement) {
        written.extend(write_chunk(conn, chunk, now).await?);
    }
    Ok(written)
}

/// One `UPDATE … FROM (VALUES …)` for `rows` (SQLite 3.33+ and PostgreSQL alike).
async fn write_chunk(
    conn: &mut AnyConnection,
    rows: &[Row],
    now: i64,
) -> StoreResult<Vec<(String, String)>> {
    let values = (0..rows.len())
        .map(|i| {
            let b = 2 + PER_ROW * i;
            let p: Vec<String> = (b..b + PER_ROW).map(|n| format!("${n}")).collect();
            format!("({})", p.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let column = |name: &str| format!("v.{name}");
    let sql = format!(
        "WITH v ({}) AS (VALUES {values}) UPDATE incidents SET {} FROM v WHERE {} \
         RETURNING county_code, id",
        NAMES.join(", "),
        set_clause(column),
        guard(column)
    );
    let mut q = sqlx::query_as::<_, (String, String)>(&sql).bind(now);
    for r in rows {
        q = bind_row!(q, r);
    }
    Ok(q.fetch_all(&mut *conn).await?)
}
