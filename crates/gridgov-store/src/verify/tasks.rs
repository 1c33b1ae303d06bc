//! Reading and claiming tasks, always inside the caller's scope: a task outside it is not found,
//! the same answer as no task at all.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::verify::VerifyAction;
use sqlx::AnyConnection;

use super::step::step;
use super::{Comparison, TaskFilter, TaskKind, TaskStatus, VerificationTask};
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// A task row as stored, with its comparison's source and its grid's key.
#[derive(sqlx::FromRow)]
struct TaskRow {
    id: String,
    comparison_id: String,
    source: String,
    county_code: String,
    grid_id: String,
    grid: Option<String>,
    path: String,
    person_id: Option<String>,
    source_row_id: Option<String>,
    source_row_no: Option<i64>,
    name: String,
    kind: String,
    fields: String,
    status: String,
    claimed_by: Option<String>,
    claimed_at: Option<i64>,
    decision: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<i64>,
    note: Option<String>,
    created_at: i64,
}

const TASK_SELECT: &str = "SELECT t.id, t.comparison_id, c.source, t.county_code, t.grid_id, \
    (SELECT g.region_code || '-' || g.code FROM grids g WHERE g.id = t.grid_id) AS grid, \
    t.path, t.person_id, t.source_row_id, t.source_row_no, t.name, t.kind, t.fields, t.status, \
    t.claimed_by, t.claimed_at, t.decision, t.decided_by, t.decided_at, t.note, t.created_at \
    FROM verification_tasks t JOIN comparisons c ON c.id = t.comparison_id";

impl TaskRow {
    fn into_task(self) -> StoreResult<VerificationTask> {
        let bad = |what: &str| StoreError::Internal(format!("task {}: stored {what}", self.id));
        Ok(VerificationTask {
            kind: TaskKind::parse(&self.kind).ok_or_else(|| bad("kind"))?,
            status: TaskStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            fields: serde_json::from_str(&self.fields).map_err(|_| bad("fields"))?,
            grid: self.grid.unwrap_or_default(),
            id: self.id,
            comparison_id: self.comparison_id,
            source: self.source,
            county_code: self.county_code,
            grid_id: self.grid_id,
            path: self.path,
            person_id: self.person_id,
            source_row_id: self.source_row_id,
            source_row_no: self.source_row_no,
            name: self.name,
            claimed_by: self.claimed_by,
            claimed_at: self.claimed_at,
            decision: self.decision,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            note: self.note,
            created_at: self.created_at,
        })
    }
}

/// The task with this id inside the actor's scope.
pub(super) async fn find_task(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
) -> StoreResult<VerificationTask> {
    let scope = ScopeRange::of(actor);
    sqlx::query_as::<_, TaskRow>(&format!(
        "{TASK_SELECT} WHERE t.id = $1 AND {}",
        scope.sql("t.path", 2)
    ))
    .bind(id)
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .into_task()
}

impl Store {
    /// Tasks inside the actor's scope, open ones by default, in path order (grid by grid).
    pub async fn verification_tasks(
        &self,
        actor: &Actor,
        filter: &TaskFilter,
    ) -> StoreResult<Vec<VerificationTask>> {
        if !actor.can(Permission::VerifyRecords) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        let status = filter.status.unwrap_or(TaskStatus::Open);
        // Optional filters bind NULL when unused, so the statement stays one text.
        let rows = sqlx::query_as::<_, TaskRow>(&format!(
            "{TASK_SELECT} WHERE t.status = $1 AND {} \
             AND ($4 IS NULL OR t.kind = $4) AND ($5 IS NULL OR t.comparison_id = $5) \
             AND ($8 IS NULL OR t.claimed_by = $8) \
             ORDER BY t.path, t.id LIMIT $6 OFFSET $7",
            scope.sql("t.path", 2)
        ))
        .bind(status.as_str())
        .bind_scope(&scope)
        .bind(filter.kind.map(TaskKind::as_str))
        .bind(filter.comparison_id.as_deref())
        .bind(filter.limit.clamp(1, 500))
        .bind(filter.offset.max(0))
        .bind(filter.claimed_by.as_deref())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TaskRow::into_task).collect()
    }

    /// One task inside the actor's scope.
    pub async fn verification_task(
        &self,
        actor: &Actor,
        id: &str,
    ) -> StoreResult<VerificationTask> {
        if !actor.can(Permission::VerifyRecords) {
            return Err(StoreError::Forbidden);
        }
        let mut conn = self.pool.acquire().await?;
        find_task(&mut conn, actor, id).await
    }

    /// Takes an open task, or one whose claim lapsed, for the actor (the core table decides,
    /// `step` writes). A task someone else holds, or one already decided, is a conflict;
    /// claiming one's own task again changes nothing.
    pub async fn claim_task(&self, actor: &Actor, id: &str) -> StoreResult<VerificationTask> {
        self.task_step(actor, id, VerifyAction::Claim).await
    }

    /// Gives a claimed task back to the grid's workers: the claimer's own, or anyone's for a
    /// center that may compare sources (a worker who left). Anything else is refused as the
    /// core table says.
    pub async fn release_task(&self, actor: &Actor, id: &str) -> StoreResult<VerificationTask> {
        self.task_step(actor, id, VerifyAction::Release).await
    }

    /// A step that writes only the task, answered with the task as it is afterwards.
    async fn task_step(
        &self,
        actor: &Actor,
        id: &str,
        action: VerifyAction,
    ) -> StoreResult<VerificationTask> {
        // The table refuses such a role too; asked here first, the refusal costs no transaction
        // and does not depend on whether the task lies in the scope.
        if !actor.can(Permission::VerifyRecords) {
            return Err(StoreError::Forbidden);
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let stepped = step(&mut tx, actor, id, action, now, None).await?;
        if !stepped.wrote {
            return Ok(stepped.before);
        }
        let task = find_task(&mut tx, actor, id).await?;
        tx.commit().await?;
        Ok(task)
    }

    /// Comparisons whose scope lies inside the actor's, newest first.
    pub async fn comparisons(&self, actor: &Actor, limit: i64) -> StoreResult<Vec<Comparison>> {
        if !(actor.can(Permission::CompareSources) || actor.can(Permission::VerifyRecords)) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        Ok(sqlx::query_as::<_, Comparison>(&format!(
            "SELECT id, source, file_name, actor_name, scope_path, rows_read, rows_loaded, \
             rejected, differs, missing_in_records, missing_in_source, load_ms, compare_ms, \
             created_at FROM comparisons WHERE {} \
             ORDER BY created_at DESC, id DESC LIMIT $3",
            scope.sql("scope_path", 1)
        ))
        .bind_scope(&scope)
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.pool)
        .await?)
    }
}
