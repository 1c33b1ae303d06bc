//! The clocks of the time limits (限期办结): when an incident enters a step its clock starts on
//! the step's limit, from the category, grade and place of the incident (the effective limit and
//! calendar of its region, `settings`); new tasks get the handle limit; a suspension keeps the
//! working time left and a resumption runs it again. Core's `deadlines::plan` decides what an
//! action does to the clocks; this module writes it, in the action's transaction. The action
//! paths call [`after_action`] once and know nothing else of clocks.

use gridgov_core::deadlines::{self, Light, Step};
use gridgov_core::escalation::{Watch, next_check, rung_at, warn_at};
use gridgov_core::incidents::{Grade, IncidentAction, IncidentState};
use gridgov_core::settings::Layers;
use gridgov_core::workdays::Calendar;
use sqlx::{Any, AnyConnection, Transaction};

use super::rows::IncidentView;
use super::states_sql::LIVE_TASK_STATES;
use crate::settings::layers_for_path;
use crate::{StoreError, StoreResult};

/// What a clock needs of the incident: its key, place, category, grade (after the action) and
/// its clock as it was before the action.
pub(super) struct Subject<'a> {
    pub county: &'a str,
    pub id: &'a str,
    pub path: &'a str,
    pub category: &'a str,
    pub grade: &'a str,
    pub started: Option<i64>,
    pub due: Option<i64>,
    pub left: Option<i64>,
    /// The escalation pass's marks on the clock, kept across a suspension.
    pub warned: bool,
    pub overdue: bool,
    pub at_top: bool,
}

impl<'a> Subject<'a> {
    /// The incident as read before the action, with the grade the action leaves it at.
    pub(super) fn of(i: &'a IncidentView, grade: Option<&'a str>) -> Self {
        Subject {
            county: &i.county_code,
            id: &i.id,
            path: &i.path,
            category: &i.category_code,
            grade: grade.unwrap_or(&i.grade),
            started: i.clock_started_at,
            due: i.due_at,
            left: i.clock_left_ms,
            warned: i.warned_at.is_some(),
            overdue: i.overdue_at.is_some(),
            at_top: i.ladder_top_at.is_some(),
        }
    }
}

/// The incident's clock as an action leaves it: started, due, time left.
#[derive(Debug, Clone, Copy)]
pub(super) struct IncidentClock {
    started: Option<i64>,
    due: Option<i64>,
    left: Option<i64>,
    watch: Watch,
}

impl IncidentClock {
    /// Sets the clock on the incident as its write returned it before the clock was written.
    pub(super) fn set_on(self, i: &mut IncidentView) {
        i.clock_started_at = self.started;
        i.due_at = self.due;
        i.clock_left_ms = self.left;
        i.warn_at = self.watch.warn_at;
        i.escalate_at = next_check(&self.watch);
        if !self.watch.warned {
            i.warned_at = None;
        }
        if !self.watch.overdue {
            i.overdue_at = None;
        }
    }
}

/// What the escalation pass watches of a clock as an action leaves it: a clock started afresh
/// has no marks yet; a paused one is not watched; a resumed one keeps its marks.
fn watch_of(
    s: &Subject<'_>,
    cal: &Calendar,
    clock: (Option<i64>, Option<i64>, Option<i64>),
    fresh: bool,
) -> Watch {
    let (started, due, left) = clock;
    Watch {
        running: left.is_none() && due.is_some(),
        due,
        warn_at: started.zip(due).and_then(|(a, b)| warn_at(cal, a, b)),
        warned: !fresh && s.warned,
        overdue: !fresh && s.overdue,
        at_top: s.at_top,
    }
}

/// The region's calendar; days that no longer combine (only after a hand edit of the table,
/// since every write checks them) leave the official one.
pub(crate) fn calendar_of(layers: &Layers) -> Calendar {
    layers.calendar().unwrap_or_else(|_| Calendar::official())
}

/// Writes what the action does to the clocks; the incident's clock when it changed (the action
/// paths answer with the incident as written, without reading it again). `action` is None for a
/// report. A due time the
/// calendar cannot give (a limit past the last published year) is left empty rather than
/// refusing the action: the matter still has to be worked, and a light is then not shown.
pub(super) async fn after_action(
    tx: &mut Transaction<'static, Any>,
    s: &Subject<'_>,
    action: Option<IncidentAction>,
    from: Option<IncidentState>,
    to: IncidentState,
    now: i64,
) -> StoreResult<Option<IncidentClock>> {
    let plan = deadlines::plan(action, from, to);
    if plan.is_idle() {
        return Ok(None);
    }
    let layers = layers_for_path(&mut *tx, s.path).await?;
    let cal = calendar_of(&layers);
    let grade = Grade::parse("grade", s.grade)
        .map_err(|e| StoreError::Internal(format!("stored incident {}: {e}", s.id)))?;
    let due_of = |step: Step| {
        deadlines::deadline(&cal, now, layers.limit(s.category, grade, step).value).ok()
    };
    let set = |started: Option<i64>, due: Option<i64>, left: Option<i64>| (started, due, left);
    let incident = if let Some(step) = plan.restart {
        Some(set(Some(now), due_of(step), None))
    } else if plan.stop {
        Some(set(None, None, None))
    } else if plan.pause {
        let left = s.due.and_then(|d| deadlines::pause(&cal, d, now).ok());
        Some(set(s.started, s.due, left))
    } else if plan.resume {
        Some(match resumed(&cal, s.started, s.due, s.left, now) {
            Some((start, due)) => set(Some(start), Some(due), None),
            None => set(s.started, s.due, None),
        })
    } else {
        None
    };
    // The escalation pass's marks belong to one clock: a step entered afresh or a stop clears
    // them; a pause or a resumption keeps them (the same clock, stopped a while).
    let fresh = plan.restart.is_some() || plan.stop;
    let written = incident.map(|c| (c, watch_of(s, &cal, c, fresh)));
    if let Some(((started, due, left), watch)) = written {
        sqlx::query(
            "UPDATE incidents SET clock_started_at = $3, due_at = $4, clock_left_ms = $5, \
             warn_at = $6, escalate_at = $7, \
             warned_at = CASE WHEN $8 = 1 THEN NULL ELSE warned_at END, \
             overdue_at = CASE WHEN $8 = 1 THEN NULL ELSE overdue_at END \
             WHERE county_code = $1 AND id = $2",
        )
        .bind(s.county)
        .bind(s.id)
        .bind(started)
        .bind(due)
        .bind(left)
        .bind(watch.warn_at)
        .bind(next_check(&watch))
        .bind(i64::from(fresh))
        .execute(&mut **tx)
        .await?;
    }
    if plan.pause || plan.resume {
        task_clocks(tx, s, &cal, plan.pause, now).await?;
    }
    if plan.start_new_tasks {
        sqlx::query(&format!(
            "UPDATE incident_tasks SET clock_started_at = $3, due_at = $4, clock_left_ms = NULL \
             WHERE county_code = $1 AND incident_id = $2 AND state IN {LIVE_TASK_STATES} \
             AND (clock_started_at IS NULL OR $5 = 1)"
        ))
        .bind(s.county)
        .bind(s.id)
        .bind(now)
        .bind(due_of(Step::Handle))
        .bind(i64::from(plan.restart_tasks))
        .execute(&mut **tx)
        .await?;
    }
    Ok(written.map(|((started, due, left), watch)| IncidentClock {
        started,
        due,
        left,
        watch,
    }))
}

/// An extension (延期) granted: the task's due time moves by `days` working days on the
/// incident's calendar, and the incident's own due time moves to at least the task's new one
/// (the handle step cannot end before its tasks). Returns the task's due time before and after;
/// a task without a due time, or one the calendar cannot move, is left as it is (`None`), as
/// `after_action` leaves a due time it cannot give.
pub(crate) async fn extend_task(
    tx: &mut Transaction<'static, Any>,
    i: &IncidentView,
    task_id: &str,
    days: i64,
) -> StoreResult<Option<(i64, i64)>> {
    let due: Option<i64> =
        sqlx::query_scalar("SELECT due_at FROM incident_tasks WHERE county_code = $1 AND id = $2")
            .bind(&i.county_code)
            .bind(task_id)
            .fetch_optional(&mut **tx)
            .await?
            .flatten();
    let Some(due) = due else {
        return Ok(None);
    };
    let cal = calendar_of(&layers_for_path(&mut *tx, &i.path).await?);
    let Ok(after) = deadlines::extend(&cal, due, days) else {
        return Ok(None);
    };
    sqlx::query("UPDATE incident_tasks SET due_at = $3 WHERE county_code = $1 AND id = $2")
        .bind(&i.county_code)
        .bind(task_id)
        .bind(after)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE incidents SET due_at = $3 WHERE county_code = $1 AND id = $2 \
         AND due_at IS NOT NULL AND due_at < $3",
    )
    .bind(&i.county_code)
    .bind(&i.id)
    .bind(after)
    .execute(&mut **tx)
    .await?;
    Ok(Some((due, after)))
}

/// A paused clock's new start and due time, when it had a due time and time left.
fn resumed(
    cal: &Calendar,
    started: Option<i64>,
    due: Option<i64>,
    left: Option<i64>,
    now: i64,
) -> Option<(i64, i64)> {
    let (start, due, left) = (started?, due?, left?);
    deadlines::resume(cal, start, due, left, now)
        .ok()
        .map(|r| (r.start, r.due))
}

/// A task's id and clock: start, due, time left.
type TaskClock = (String, Option<i64>, Option<i64>, Option<i64>);

/// Pauses or resumes the live tasks' clocks (few per incident: one statement each).
async fn task_clocks(
    tx: &mut Transaction<'static, Any>,
    s: &Subject<'_>,
    cal: &Calendar,
    pause: bool,
    now: i64,
) -> StoreResult<()> {
    let rows: Vec<TaskClock> = sqlx::query_as(&format!(
        "SELECT id, clock_started_at, due_at, clock_left_ms FROM incident_tasks \
         WHERE county_code = $1 AND incident_id = $2 AND state IN {LIVE_TASK_STATES} AND due_at IS NOT NULL"
    ))
    .bind(s.county)
    .bind(s.id)
    .fetch_all(&mut **tx)
    .await?;
    for (id, started, due, left) in rows {
        let (started, due, left) = if pause {
            let left = due.and_then(|d| deadlines::pause(cal, d, now).ok());
            (started, due, left)
        } else {
            match resumed(cal, started, due, left, now) {
                Some((a, b)) => (Some(a), Some(b), None),
                None => (started, due, None),
            }
        };
        sqlx::query(
            "UPDATE incident_tasks SET clock_started_at = $3, due_at = $4, clock_left_ms = $5 \
             WHERE county_code = $1 AND id = $2",
        )
        .bind(s.county)
        .bind(&id)
        .bind(started)
        .bind(due)
        .bind(left)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The light of a clock: paused while time is kept, none without a due time.
pub(crate) fn light_of(
    cal: &Calendar,
    started: Option<i64>,
    due: Option<i64>,
    left: Option<i64>,
    now: i64,
) -> Option<Light> {
    if left.is_some() {
        return Some(Light::Paused);
    }
    Some(deadlines::light(cal, started?, due?, now))
}

/// Lights an incident's page: its own clock and each task's, on its region's calendar; names
/// the rung of the ladder it stands on.
pub(super) async fn light_up(
    conn: &mut AnyConnection,
    now: i64,
    i: &mut IncidentView,
    tasks: &mut [super::rows::TaskView],
) -> StoreResult<()> {
    let layers = layers_for_path(conn, &i.path).await?;
    let cal = calendar_of(&layers);
    i.light = light_of(&cal, i.clock_started_at, i.due_at, i.clock_left_ms, now);
    i.ladder = i
        .ladder_level
        .zip(i.ladder_attempt)
        .map(|(l, a)| rung_at(&layers.ladder().value, l, a));
    for t in tasks
        .iter_mut()
        .filter(|t| matches!(t.state.as_str(), "assigned" | "accepted" | "in_progress"))
    {
        t.light = light_of(&cal, t.clock_started_at, t.due_at, t.clock_left_ms, now);
    }
    Ok(())
}
