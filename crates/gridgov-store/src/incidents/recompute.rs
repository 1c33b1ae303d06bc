//! Due times recomputed after a region's time limits or local days change. A change to either
//! setting enqueues a `due_recompute` job for the region (in the setting's own transaction), so
//! the clocks already running below it follow the new rule: each keeps its start, its due time
//! becomes the new limit from the start on the new calendar (core's `deadlines::recompute`), and
//! a paused clock keeps the time it had used.
//!
//! The job walks the region's open clocks in batches in key order (live tasks', then their
//! incidents') and writes what moved in each batch; extensions granted since a clock started
//! stay granted. A write is guarded by the clock as read: an action that restarted or paused a clock
//! meanwhile already used the new setting (committed before the job was enqueued), and its
//! clock is left alone. Versions are not bumped: a due time the center did not move is not an
//! edit of the incident, and a desk form open on it stays valid. The incidents' timelines do not
//! get an event per clock either; the settings stream records the change that caused it, and the
//! job's result says how many clocks moved.

use gridgov_core::deadlines::{self, Recomputed, Step};
use gridgov_core::escalation::{self, Watch, next_check};
use gridgov_core::incidents::Grade;
use gridgov_core::scope::ScopePath;
use serde::Serialize;
use sqlx::{Any, Transaction};

use super::states_sql::{LIVE_TASK_STATES, OPEN_STATES};
use crate::scope::ScopeRange;
use crate::settings::LayerBook;
use crate::{Store, StoreResult};

/// The job kind, registered by the server's runner.
pub const DUE_RECOMPUTE: &str = "due_recompute";

/// Clocks read, and at most written, per batch: one short write transaction each (other writers
/// queue behind it on SQLite) while the statements stay few.
const BATCH: usize = 10_000;

/// Rows per UPDATE: six or eight values each, well under both databases' parameter limits. On
/// SQLite the driver finds each `$n` among the statement's parameter names one by one, so a
/// statement's binding costs the square of its parameters: short statements there.
fn rows_per_write(backend: crate::Backend) -> usize {
    match backend {
        crate::Backend::Sqlite => 50,
        crate::Backend::Postgres => 1000,
    }
}

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RecomputeReport {
    /// Open incidents walked.
    pub incidents: u64,
    /// Clocks looked at (incidents' and tasks') and how many got a new due time.
    pub clocks: u64,
    pub changed: u64,
    /// Clocks the calendar could not give a due time for (past its last published year): kept.
    pub beyond_calendar: u64,
}

/// One clock as read.
#[derive(sqlx::FromRow)]
struct ClockRow {
    county_code: String,
    id: String,
    path: String,
    category_code: String,
    grade: String,
    state: String,
    clock_started_at: Option<i64>,
    due_at: Option<i64>,
    clock_left_ms: Option<i64>,
    /// A task's working days of extension granted since its clock started (0 for incidents).
    extra_days: i64,
    /// An incident's latest live task due time that an extension moved (none for tasks).
    extended_due: Option<i64>,
    /// The escalation pass's marks on an incident's clock (0 for tasks, which it does not
    /// watch): warned, overdue, past the top.
    warned: i64,
    overdue: i64,
    at_top: i64,
}

/// A task's extensions granted since its clock started: a grant moved its due time, and a
/// recompute keeps it moved (a rework that restarted the clock ended them).
const EXTRA_DAYS: &str = "(SELECT CAST(COALESCE(SUM(e.days), 0) AS BIGINT) \
     FROM incident_extensions e WHERE e.county_code = t.county_code \
     AND e.incident_id = t.incident_id AND e.task_id = t.id AND e.state = 'granted' \
     AND e.decided_at >= t.clock_started_at)";

/// An incident's latest due time among its live tasks with an extension in force: a grant
/// raised the incident's due time to it, and a recompute keeps it there.
fn extended_due() -> String {
    format!(
        "(SELECT MAX(x.due_at) FROM incident_tasks x \
         WHERE x.county_code = i.county_code AND x.incident_id = i.id \
         AND x.state IN {LIVE_TASK_STATES} AND EXISTS (SELECT 1 \
         FROM incident_extensions e WHERE e.county_code = x.county_code \
         AND e.incident_id = x.incident_id AND e.task_id = x.id AND e.state = 'granted' \
         AND e.decided_at >= x.clock_started_at))"
    )
}

/// A clock to write: key, the clock as read (the guard), the new due time and time left, and
/// for an incident when the escalation pass must look at it (`warn_at`, `escalate_at`).
struct NewClock {
    county: String,
    id: String,
    started: i64,
    old_due: i64,
    due: i64,
    left: Option<i64>,
    warn_at: Option<i64>,
    escalate_at: Option<i64>,
}

impl Store {
    /// Recomputes the running and paused clocks of every open incident at or below `path` (a
    /// region's path) and of their live tasks; `progress` hears after each batch. Repeatable: a
    /// second pass finds every clock already right and writes nothing.
    ///
    /// Each table is walked in batches in the order of its key, (county, id): the order the
    /// rows were written in (ids are time-ordered), so each batch's writes fall on neighbouring
    /// pages instead of all over the table, and each batch reads in a short statement of its
    /// own (a reader held open across the pass would keep SQLite from checkpointing its log,
    /// which then grows with every batch). On SQLite the scope and state conditions are kept
    /// off their indexes (`+column`), so the key's order drives the walk rather than a sort of
    /// every matching row for each batch.
    pub async fn recompute_due_times(
        &self,
        path: &str,
        mut progress: impl FnMut(&RecomputeReport) + Send,
    ) -> StoreResult<RecomputeReport> {
        let range = ScopeRange::of_path(&ScopePath::from_path(path));
        let mut conn = self.pool.acquire().await?;
        let mut book = LayerBook::clocks(&mut conn).await?;
        drop(conn);
        let mut report = RecomputeReport::default();
        // SQLite's unary plus keeps a column off its indexes; PostgreSQL plans by the ORDER BY.
        let off = if self.backend() == crate::Backend::Sqlite {
            "+"
        } else {
            ""
        };
        // Tasks first: an incident's due time may not fall before its extended tasks'.
        for table in ["incident_tasks", "incidents"] {
            let sql = if table == "incidents" {
                format!(
                    "SELECT i.county_code, i.id, i.path, i.category_code, i.grade, i.state, \
                     i.clock_started_at, i.due_at, i.clock_left_ms, \
                     CAST(0 AS BIGINT) AS extra_days, {} AS extended_due, \
                     CAST(CASE WHEN i.warned_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS warned, \
                     CAST(CASE WHEN i.overdue_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS overdue, \
                     CAST(CASE WHEN i.ladder_top_at IS NULL THEN 0 ELSE 1 END AS BIGINT) \
                     AS at_top FROM incidents i \
                     WHERE (i.county_code, i.id) > ($3, $4) AND {} \
                     AND {off}i.state IN {OPEN_STATES} AND i.due_at IS NOT NULL \
                     ORDER BY i.county_code, i.id LIMIT {BATCH}",
                    extended_due(),
                    range.sql(&format!("{off}i.path"), 1)
                )
            } else {
                format!(
                    "SELECT t.county_code, t.id, i.path, i.category_code, i.grade, t.state, \
                     t.clock_started_at, t.due_at, t.clock_left_ms, {EXTRA_DAYS} AS extra_days, \
                     CAST(NULL AS BIGINT) AS extended_due, CAST(0 AS BIGINT) AS warned, \
                     CAST(0 AS BIGINT) AS overdue, CAST(0 AS BIGINT) AS at_top \
                     FROM incident_tasks t JOIN incidents i \
                     ON i.county_code = t.county_code AND i.id = t.incident_id \
                     WHERE (t.county_code, t.id) > ($3, $4) AND {} AND {off}i.state IN {OPEN_STATES} \
                     AND {off}t.state IN {LIVE_TASK_STATES} AND t.due_at IS NOT NULL \
                     ORDER BY t.county_code, t.id LIMIT {BATCH}",
                    range.sql(&format!("{off}i.path"), 1)
                )
            };
            let (lo, hi) = range.bounds();
            let mut after = (String::new(), String::new());
            loop {
                let rows = sqlx::query_as::<_, ClockRow>(&sql)
                    .bind(lo)
                    .bind(hi)
                    .bind(&after.0)
                    .bind(&after.1)
                    .fetch_all(&self.pool)
                    .await?;
                let Some(last) = rows.last() else {
                    break;
                };
                after = (last.county_code.clone(), last.id.clone());
                let mut moved = Vec::new();
                for row in &rows {
                    let incident = table == "incidents";
                    let step = if incident {
                        report.incidents += 1;
                        deadlines::step_of_clock(parse_state(&row.state)?)
                    } else {
                        Some(Step::Handle)
                    };
                    recompute_row(&mut book, row, step, incident, &mut report, &mut moved)?;
                }
                if !moved.is_empty() {
                    report.changed += self.write_clocks(table, &moved).await?;
                }
                progress(&report);
                if rows.len() < BATCH {
                    break;
                }
            }
        }
        Ok(report)
    }

    /// One write transaction for a batch of moved clocks.
    async fn write_clocks(&self, table: &str, clocks: &[NewClock]) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let n = write(&mut tx, table, clocks, rows_per_write(self.backend())).await?;
        tx.commit().await?;
        Ok(n)
    }
}

fn parse_state(s: &str) -> StoreResult<gridgov_core::incidents::IncidentState> {
    gridgov_core::incidents::IncidentState::parse("state", s)
        .map_err(|e| crate::StoreError::Internal(format!("stored incident state: {e}")))
}

/// Works out one clock's new due time and queues it when it moved.
fn recompute_row(
    book: &mut LayerBook,
    row: &ClockRow,
    step: Option<Step>,
    incident: bool,
    report: &mut RecomputeReport,
    out: &mut Vec<NewClock>,
) -> StoreResult<()> {
    let (Some(step), Some(started), Some(due)) = (step, row.clock_started_at, row.due_at) else {
        return Ok(());
    };
    report.clocks += 1;
    let grade = Grade::parse("grade", &row.grade)
        .map_err(|e| crate::StoreError::Internal(format!("stored incident {}: {e}", row.id)))?;
    let place = book.place(&row.path);
    let limit = place.layers.limit(&row.category_code, grade, step).value;
    match deadlines::recompute(
        &place.calendar,
        started,
        due,
        row.clock_left_ms,
        limit,
        row.extra_days,
        row.extended_due,
    ) {
        Ok(Recomputed { due: new_due, left }) => {
            if new_due != due || left != row.clock_left_ms {
                // The escalation pass finds an incident by when it must look at it next: the
                // yellow instant and the due time move with the clock (as `clock.rs` sets them).
                let (warn_at, escalate_at) = if incident {
                    let watch = Watch {
                        running: left.is_none(),
                        due: Some(new_due),
                        warn_at: escalation::warn_at(&place.calendar, started, new_due),
                        warned: row.warned != 0,
                        overdue: row.overdue != 0,
                        at_top: row.at_top != 0,
                    };
                    (watch.warn_at, next_check(&watch))
                } else {
                    (None, None)
                };
                out.push(NewClock {
                    county: row.county_code.clone(),
                    id: row.id.clone(),
                    started,
                    old_due: due,
                    due: new_due,
                    left,
                    warn_at,
                    escalate_at,
                });
            }
        }
        Err(_) => report.beyond_calendar += 1,
    }
    Ok(())
}

/// Writes new clocks, each guarded by its clock as read; answers how many rows took it.
async fn write(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    clocks: &[NewClock],
    per_statement: usize,
) -> StoreResult<u64> {
    let mut written = 0;
    // Incidents also carry the escalation pass's instants; tasks have none.
    let watched = table == "incidents";
    let width = if watched { 8 } else { 6 };
    for chunk in clocks.chunks(per_statement) {
        let values: Vec<String> = (0..chunk.len())
            .map(|k| {
                let f = k * width + 1;
                let params: Vec<String> = (f..f + width).map(|n| format!("${n}")).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let (columns, sets) = if watched {
            (", warn, esc", ", warn_at = v.warn, escalate_at = v.esc")
        } else {
            ("", "")
        };
        // One statement for both dialects: a VALUES list joined by UPDATE … FROM (SQLite 3.33+).
        let sql = format!(
            "WITH v(county, id, started, old_due, due, lft{columns}) AS (VALUES {}) \
             UPDATE {table} SET due_at = v.due, clock_left_ms = v.lft{sets} FROM v \
             WHERE {table}.county_code = v.county AND {table}.id = v.id \
             AND {table}.clock_started_at = v.started AND {table}.due_at = v.old_due",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for c in chunk {
            q = q
                .bind(&c.county)
                .bind(&c.id)
                .bind(c.started)
                .bind(c.old_due)
                .bind(c.due)
                .bind(c.left);
            if watched {
                q = q.bind(c.warn_at).bind(c.escalate_at);
            }
        }
        written += q.execute(&mut **tx).await?.rows_affected();
    }
    Ok(written)
}
