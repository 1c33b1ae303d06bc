//! One step of a verification task (claim, release, decide), as `gridgov_core::verify` decides
//! it: read the task inside the caller's scope, ask the core table with the caller's standing to
//! the claim, and write the state the table names with a guard on what was read. The store
//! states no rule of its own here.
//!
//! The guard (status, claimer and claim time as read) makes the write a compare-and-set: of two
//! requests racing, the second one's write matches no row, so it reads the task again and asks
//! the table again, and answers from what the first one wrote. On SQLite the write transaction
//! holds the database from its first statement, so the guard never misses there; on PostgreSQL
//! (read committed) the reread inside the same transaction sees the winner's commit.

use gridgov_core::FieldError;
use gridgov_core::auth::Actor;
use gridgov_core::verify::{Holder, VerifyAction, VerifyRefusal, VerifyState, check};
use sqlx::AnyConnection;

use super::VerificationTask;
use super::tasks::find_task;
use crate::{StoreError, StoreResult};

/// How often a step reads and asks again after its guarded write lost a race. Each loss means
/// another request changed the task in between; a task changes state a handful of times in its
/// life, so three losses in a row is a storm, answered as a busy database.
const ATTEMPTS: usize = 3;

/// What a decision writes beside the state.
pub(super) struct Resolution<'a> {
    pub decision: &'a str,
    pub note: &'a str,
}

/// What a step found, and whether it wrote.
pub(super) struct Stepped {
    /// The task as it stood when the table allowed the step.
    pub before: VerificationTask,
    /// False when the table found nothing to write (claiming one's own task again).
    pub wrote: bool,
}

/// Takes `action` on the task for the actor, or answers the table's refusal. `resolution` is
/// what a decision writes; it is needed exactly when the step leads to `resolved`.
pub(super) async fn step(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    action: VerifyAction,
    now: i64,
    resolution: Option<&Resolution<'_>>,
) -> StoreResult<Stepped> {
    for _ in 0..ATTEMPTS {
        let task = find_task(conn, actor, id).await?;
        let holder = Holder::of(
            task.claimed_by.as_deref(),
            task.claimed_at,
            &actor.user_id,
            now,
        );
        let next = match check(actor.role, holder, task.status.state(), action) {
            Err(refused) if refused.refusal == VerifyRefusal::Forbidden => {
                return Err(StoreError::Forbidden);
            }
            Err(refused) => return Err(StoreError::Conflict(FieldError::from(refused))),
            Ok(None) => {
                return Ok(Stepped {
                    before: task,
                    wrote: false,
                });
            }
            Ok(Some(next)) => next,
        };
        if write(conn, actor, &task, next, now, resolution).await? {
            return Ok(Stepped {
                before: task,
                wrote: true,
            });
        }
        tracing::debug!(task = %task.id, action = %action, "verification task changed meanwhile");
    }
    Err(StoreError::Busy {
        retry_after_secs: 1,
    })
}

/// The guard's condition from placeholder `$n` on: the row is still as `guard_binds` read it.
/// Unclaimed columns compare as '' and 0, values no claim has, so NULL needs no special bind.
fn guard(n: usize) -> String {
    format!(
        "county_code = ${} AND id = ${} AND status = ${} AND COALESCE(claimed_by, '') = ${} \
         AND COALESCE(claimed_at, 0) = ${}",
        n,
        n + 1,
        n + 2,
        n + 3,
        n + 4
    )
}

/// Writes `next` over the task if it is still as read; false when it changed meanwhile.
async fn write(
    conn: &mut AnyConnection,
    actor: &Actor,
    task: &VerificationTask,
    next: VerifyState,
    now: i64,
    resolution: Option<&Resolution<'_>>,
) -> StoreResult<bool> {
    let sql;
    let query = match (next, resolution) {
        (VerifyState::Claimed, None) => {
            sql = format!(
                "UPDATE verification_tasks SET status = $1, claimed_by = $2, claimed_at = $3 \
                 WHERE {}",
                guard(4)
            );
            sqlx::query(&sql)
                .bind(next.as_str())
                .bind(&actor.user_id)
                .bind(now)
        }
        (VerifyState::Open, None) => {
            sql = format!(
                "UPDATE verification_tasks SET status = $1, claimed_by = NULL, \
                 claimed_at = NULL WHERE {}",
                guard(2)
            );
            sqlx::query(&sql).bind(next.as_str())
        }
        (VerifyState::Resolved, Some(r)) => {
            sql = format!(
                "UPDATE verification_tasks SET status = $1, decision = $2, decided_by = $3, \
                 decided_at = $4, note = $5 WHERE {}",
                guard(6)
            );
            sqlx::query(&sql)
                .bind(next.as_str())
                .bind(r.decision)
                .bind(&actor.user_id)
                .bind(now)
                .bind(r.note)
        }
        (next, _) => {
            return Err(StoreError::Internal(format!(
                "task {}: a step to {next} {} a resolution",
                task.id,
                if resolution.is_some() {
                    "given"
                } else {
                    "without"
                }
            )));
        }
    };
    let changed = query
        .bind(&task.county_code)
        .bind(&task.id)
        .bind(task.status.as_str())
        .bind(task.claimed_by.as_deref().unwrap_or(""))
        .bind(task.claimed_at.unwrap_or(0))
        .execute(conn)
        .await?
        .rows_affected();
    Ok(changed == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_numbers_its_placeholders_from_where_the_set_clause_ends() {
        assert_eq!(
            guard(4),
            "county_code = $4 AND id = $5 AND status = $6 AND COALESCE(claimed_by, '') = $7 \
             AND COALESCE(claimed_at, 0) = $8"
        );
    }
}
