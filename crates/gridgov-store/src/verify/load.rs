//! Loading a second source and comparing it, in one transaction on a dedicated connection: the
//! file goes through the persons import's own checks and writer into `source_persons`, then the
//! comparison raises the tasks, and the comparison, its batch and its audit record are written
//! before anything is committed. A file refused whole leaves nothing behind.

use std::sync::Arc;
use std::time::Instant;

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::RecordKind;
use gridgov_core::ids::china_date_of_ms;
use gridgov_core::scope::ScopePath;

use super::compare::raise_tasks;
use super::{ComparisonReport, TaskCounts};
use crate::audit::{self, Change};
use crate::base::checker::{Cells, CheckOutcome, Planned, RowPlan, check_all};
use crate::base::grid_lookup::GridLookup;
use crate::base::rows::{Common, PersonPlan, RowIds};
use crate::base::spec::{SOURCE_PERSONS, Value};
use crate::base::writer::{BulkWriter, Conn, Stamps, open_conn};
use crate::base::{BaseImportProgress, RowSource};
use crate::{Store, StoreError, StoreResult};

/// What a comparison is of.
#[derive(Debug, Clone, Default)]
pub struct CompareOptions {
    /// The source's name (户籍, 社区摸排…), kept as the provenance of values taken from it.
    pub source: String,
    pub file_name: String,
    /// Keep the valid rows of a file with faults; by default one fault refuses the file.
    pub accept_valid: bool,
    /// A region (township, village) inside the caller's scope that the source covers; records
    /// outside it are not reported missing. Default: the caller's whole scope.
    pub area: Option<String>,
}

pub type CompareProgress = Arc<dyn Fn(BaseImportProgress) + Send + Sync>;

/// The persons plan with the comparison and the file row in front of every row.
struct SourcePlan {
    persons: PersonPlan,
    comparison: String,
}

impl RowPlan for SourcePlan {
    fn plan(&mut self, row_no: u64, cells: &Cells<'_>) -> Result<Planned, Vec<FieldError>> {
        let mut p = self.persons.plan(row_no, cells)?;
        p.row.splice(
            0..0,
            [
                Value::Text(self.comparison.clone()),
                Value::Int(row_no as i64),
            ],
        );
        Ok(p)
    }
}

/// Runs a statement with binds on whichever connection the load holds.
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Pg($c) => $body,
        }
    };
}
pub(super) use on_conn;

impl Store {
    /// Loads a second source of persons and compares it with the records inside the caller's
    /// scope (or the chosen area), raising verification tasks. See the [module](super) docs.
    pub async fn compare_source(
        &self,
        actor: &Actor,
        source: Box<dyn RowSource>,
        opts: &CompareOptions,
        progress: CompareProgress,
    ) -> StoreResult<ComparisonReport> {
        if !actor.can(Permission::CompareSources) {
            return Err(StoreError::Forbidden);
        }
        let scope = match opts.area.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => {
                ScopePath::from_path(self.resolve_region(actor, "area", code).await?.path)
            }
            _ => actor.scope.clone(),
        };
        // The area narrows what the grid lookup accepts and what the records side covers.
        let within = Actor {
            scope: scope.clone(),
            ..actor.clone()
        };
        let started = Instant::now();
        let now = self.now_ms();
        let comparison = uuid::Uuid::now_v7().to_string();
        let plan = SourcePlan {
            persons: PersonPlan {
                common: Common {
                    grids: GridLookup::load(self, &within).await?,
                    batch: comparison.clone(),
                    now,
                    ids: RowIds::new(now),
                },
                prefixes: self.id_prefixes().await?,
                protector: self.protector()?.clone(),
                today: china_date_of_ms(now),
                // Source rows are kept beside the records and never overwrite them.
                elsewhere: Default::default(),
            },
            comparison: comparison.clone(),
        };
        let conn = open_conn(self, &["source_persons"]).await?;
        let stamps = Stamps {
            batch: comparison.clone(),
            now,
        };
        let mut writer = BulkWriter::start(conn, &SOURCE_PERSONS, None, &stamps, &scope).await?;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let accept_valid = opts.accept_valid;
        let p = progress.clone();
        let checker = tokio::task::spawn_blocking(move || {
            let (mut source, mut plan) = (source, plan);
            check_all(
                RecordKind::Persons,
                &mut *source,
                &mut plan,
                accept_valid,
                tx,
                &*p,
            )
        });
        let p = progress.clone();
        let write_error = writer
            .write_stream(rx, &move |rows| p(BaseImportProgress::Written { rows }))
            .await
            .err();
        let outcome: CheckOutcome = checker
            .await
            .map_err(|e| StoreError::Internal(format!("comparison checker: {e}")))?;
        if let Some(e) = write_error {
            return Err(e);
        }
        let mut report = ComparisonReport {
            rows_read: outcome.rows_read,
            rejected: outcome.rejected,
            faults: outcome.faults,
            ..ComparisonReport::default()
        };
        if (outcome.rejected > 0 && !accept_valid) || outcome.sent == 0 {
            writer.finish(&|| {}).await?.2.rollback().await?;
            report.load_seconds = started.elapsed().as_secs_f64();
            return Ok(report);
        }
        let p = progress.clone();
        let (loaded, _, mut conn) = writer
            .finish(&move || p(BaseImportProgress::Indexing))
            .await?;
        report.rows_loaded = loaded;
        if let Conn::Pg(c) = &mut conn {
            // The planner must know the source's size to join it with a hash, not a loop.
            sqlx::query("ANALYZE source_persons")
                .execute(&mut *c)
                .await?;
        }
        report.load_seconds = started.elapsed().as_secs_f64();
        let compared = Instant::now();
        report.counts = raise_tasks(&mut conn, &comparison, &scope, now).await?;
        report.compare_seconds = compared.elapsed().as_secs_f64();
        progress(BaseImportProgress::Committing);
        record(&mut conn, actor, opts, &comparison, &scope, &report, now).await?;
        // Not `Conn::commit`: its whole-database ANALYZE is for loads into the records.
        conn.execute("COMMIT").await?;
        report.comparison_id = Some(comparison);
        report.committed = true;
        Ok(report)
    }
}

/// The comparison, the batch its rows name as provenance, and the audit record.
async fn record(
    conn: &mut Conn,
    actor: &Actor,
    opts: &CompareOptions,
    id: &str,
    scope: &ScopePath,
    r: &ComparisonReport,
    now: i64,
) -> StoreResult<()> {
    let TaskCounts {
        differs,
        missing_in_records,
        missing_in_source,
    } = r.counts;
    let ms = |s: f64| (s * 1000.0).round() as i64;
    let change = Change {
        action: "verify.compare",
        resource: format!("comparison:{id}"),
        scope_path: scope.as_str(),
        summary: serde_json::json!({
            "source": opts.source, "file": opts.file_name, "rows_read": r.rows_read,
            "rows_loaded": r.rows_loaded, "rejected": r.rejected, "differs": differs,
            "missing_in_records": missing_in_records, "missing_in_source": missing_in_source,
        }),
    };
    on_conn!(conn, c => {
        sqlx::query(
            "INSERT INTO import_batches (id, kind, source, file_name, actor_id, actor_name, \
             scope_path, rows_read, inserted, updated, rejected, started_at, finished_at) \
             VALUES ($1, 'comparison', $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $10)",
        )
        .bind(id)
        .bind(&opts.source)
        .bind(&opts.file_name)
        .bind(&actor.user_id)
        .bind(&actor.username)
        .bind(scope.as_str())
        .bind(r.rows_read as i64)
        .bind(r.rows_loaded as i64)
        .bind(r.rejected as i64)
        .bind(now)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "INSERT INTO comparisons (id, source, file_name, actor_id, actor_name, scope_path, \
             rows_read, rows_loaded, rejected, differs, missing_in_records, missing_in_source, \
             load_ms, compare_ms, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(id)
        .bind(&opts.source)
        .bind(&opts.file_name)
        .bind(&actor.user_id)
        .bind(&actor.username)
        .bind(scope.as_str())
        .bind(r.rows_read as i64)
        .bind(r.rows_loaded as i64)
        .bind(r.rejected as i64)
        .bind(differs as i64)
        .bind(missing_in_records as i64)
        .bind(missing_in_source as i64)
        .bind(ms(r.load_seconds))
        .bind(ms(r.compare_seconds))
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    match conn {
        Conn::Sqlite(c) => audit::append_sqlite(c, now, actor, change).await,
        Conn::Pg(c) => audit::append_pg(c, now, actor, change).await,
    }
}
