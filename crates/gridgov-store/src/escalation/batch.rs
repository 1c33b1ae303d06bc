//! One batch of the pass: read what is due, ask core what to do with each incident, write it.

use gridgov_core::auth::Actor;
use gridgov_core::deadlines::{self, Step};
use gridgov_core::escalation::{
    Climb, Mark, Watch, marks, next_check, next_climb, rung_at, warn_at,
};
use gridgov_core::incidents::{Grade, IncidentEvent, IncidentState};
use serde_json::json;

use super::write::{Row, write_rows};
use super::{BATCH, Escalation, leaders, notify};
use crate::audit::{Change, append_many};
use crate::settings::LayerBook;
use crate::{Backend, Store, StoreResult};

/// An incident as the pass reads it.
#[derive(sqlx::FromRow)]
pub(super) struct Due {
    pub county_code: String,
    pub id: String,
    pub number: String,
    pub path: String,
    pub center_path: String,
    pub title: String,
    pub category_code: String,
    pub grade: String,
    pub state: String,
    pub version: i64,
    pub due_at: Option<i64>,
    pub clock_left_ms: Option<i64>,
    pub warn_at: Option<i64>,
    pub warned_at: Option<i64>,
    pub overdue_at: Option<i64>,
    pub ladder_level: Option<i64>,
    pub ladder_attempt: Option<i64>,
    pub ladder_top_at: Option<i64>,
    pub guarantor_id: Option<String>,
    pub guarantor_name: Option<String>,
}

const SELECT: &str = "SELECT county_code, id, number, path, center_path, title, category_code, grade, state, \
     version, due_at, clock_left_ms, warn_at, warned_at, overdue_at, ladder_level, \
     ladder_attempt, ladder_top_at, guarantor_id, guarantor_name FROM incidents \
     WHERE escalate_at IS NOT NULL AND escalate_at <= $1 ORDER BY escalate_at LIMIT $2";

impl Store {
    /// One transaction: (incidents read, what was done to those written).
    pub(super) async fn escalation_batch(&self, now: i64) -> StoreResult<(usize, Vec<Escalation>)> {
        let system = Actor::system();
        let mut tx = self.begin_write().await?;
        // PostgreSQL: rows another node's pass holds are passed over, not waited for; SQLite's
        // one writer needs no lock clause.
        let sql = match self.backend() {
            Backend::Postgres => format!("{SELECT} FOR UPDATE SKIP LOCKED"),
            Backend::Sqlite => SELECT.to_owned(),
        };
        let due: Vec<Due> = sqlx::query_as(&sql)
            .bind(now)
            .bind(BATCH)
            .fetch_all(&mut *tx)
            .await?;
        if due.is_empty() {
            tx.commit().await?;
            return Ok((0, Vec::new()));
        }
        let mut book = LayerBook::all(&mut tx).await?;
        let mut rows = Vec::with_capacity(due.len());
        for d in &due {
            let place = book.place(&d.path);
            let (layers, cal) = (&place.layers, &place.calendar);
            let state = IncidentState::parse("state", &d.state).ok();
            let step = state.and_then(Step::of_state);
            let watch = Watch {
                running: step.is_some() && d.clock_left_ms.is_none(),
                due: d.due_at,
                warn_at: d.warn_at,
                warned: d.warned_at.is_some(),
                overdue: d.overdue_at.is_some(),
                at_top: d.ladder_top_at.is_some(),
            };
            let m = marks(&watch, now);
            let mut row = Row::unchanged(d);
            let mut after = watch;
            let mut events = Vec::new();
            let due_at = d.due_at.unwrap_or(now);
            for mark in &m {
                match mark {
                    Mark::DueSoon => {
                        row.warned_at = Some(now);
                        after.warned = true;
                        events.push(IncidentEvent::DueSoon { due_at });
                    }
                    Mark::Overdue => {
                        row.overdue_at = Some(now);
                        after.overdue = true;
                        events.push(IncidentEvent::Overdue { due_at });
                    }
                    // The climb: the next rung, or the leader past the top; the step's clock
                    // starts again on its limit from now, with no marks yet.
                    Mark::Escalated | Mark::GuarantorAssigned => {
                        let Some(step) = step else { continue };
                        let from = d
                            .ladder_level
                            .zip(d.ladder_attempt)
                            .map(|(l, a)| rung_at(&layers.ladder().value, l, a));
                        // A grade that no longer reads (a hand edit) takes the general limit
                        // rather than stopping the pass for every other incident.
                        let grade = Grade::parse("grade", &d.grade).unwrap_or(Grade::General);
                        let limit = layers.limit(&d.category_code, grade, step).value;
                        let new_due = deadlines::deadline(cal, now, limit).ok();
                        row.clock_started_at = Some(now);
                        row.due_at = new_due;
                        row.warn_at = new_due.and_then(|x| warn_at(cal, now, x));
                        row.warned_at = None;
                        row.overdue_at = None;
                        after = Watch {
                            running: true,
                            due: new_due,
                            warn_at: row.warn_at,
                            warned: false,
                            overdue: false,
                            at_top: watch.at_top,
                        };
                        match next_climb(
                            &layers.ladder().value,
                            d.ladder_level.zip(d.ladder_attempt),
                        ) {
                            Climb::To(to) => {
                                row.ladder_level = Some(to.level);
                                row.ladder_attempt = Some(to.attempt);
                                row.rung = Some(to.clone());
                                events.push(IncidentEvent::Escalated {
                                    from,
                                    to,
                                    due_at: new_due,
                                });
                            }
                            Climb::Leader => {
                                let g = leaders::nearest(&mut tx, &d.path).await?;
                                row.ladder_top_at = Some(now);
                                row.guarantor_id = g.as_ref().map(|x| x.user_id.clone());
                                row.guarantor_name = g.as_ref().map(|x| x.name.clone());
                                row.top = true;
                                after.at_top = true;
                                events.push(IncidentEvent::GuarantorAssigned {
                                    from,
                                    guarantor: g,
                                    due_at: new_due,
                                });
                            }
                        }
                    }
                }
            }
            row.escalate_at = next_check(&after);
            row.events = events;
            rows.push(row);
        }
        let postgres = self.backend() == Backend::Postgres;
        let written = write_rows(&mut tx, &rows, now, postgres).await?;
        let mut changes = Vec::new();
        let mut done = Vec::new();
        let kept: Vec<&Row> = rows
            .iter()
            .filter(|r| !r.events.is_empty() && written.contains(&(r.county.clone(), r.id.clone())))
            .collect();
        notify::tell(&mut tx, now, &kept, &mut book).await?;
        for row in kept {
            for e in &row.events {
                changes.push(Change {
                    action: audit_action(e),
                    resource: format!("incident:{}", row.id),
                    scope_path: &row.path,
                    summary: json!({"event": e, "from": row.state, "to": row.state,
                        "role": null, "department": null}),
                });
            }
            done.push(row.escalation());
        }
        append_many(&mut tx, now, &system, changes).await?;
        tx.commit().await?;
        Ok((due.len(), done))
    }
}

/// The audit action of a pass's event: `incident.<kind>`, as the actions' are.
fn audit_action(e: &IncidentEvent) -> &'static str {
    match e {
        IncidentEvent::DueSoon { .. } => "incident.due_soon",
        IncidentEvent::Overdue { .. } => "incident.overdue",
        IncidentEvent::Escalated { .. } => "incident.escalated",
        _ => "incident.guarantor_assigned",
    }
}
