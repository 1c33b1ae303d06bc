//! One import from start to end: permission, plan, the checker thread beside the writer, the
//! verdict, the batch record and the audit, in one transaction.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::RecordKind;
use gridgov_core::ids::china_date_of_ms;

use super::checker::{CheckOutcome, RowPlan, check_all};
use super::elsewhere::persons_elsewhere;
use super::grid_lookup::GridLookup;
use super::rows::{
    BuildingIds, BuildingPlan, Common, HousePlan, LinkPlan, OrganizationPlan, PersonPlan,
    PlacePlan, RowIds,
};
use super::source::RowSource;
use super::spec::{self, TableSpec};
use super::writer::{BulkWriter, Conn, Mode, Stamps, open_conn};
use super::{BaseImportOptions, BaseImportProgress, BaseImportReport, RowFault, kind_table};
use crate::audit::{self, Change};
use crate::regions::IdPrefixes;
use crate::scope::{BindScope, ScopeRange};
use crate::sheets::out::SafeCsvWriter;
use crate::{Store, StoreError, StoreResult};

pub type Progress = Arc<dyn Fn(BaseImportProgress) + Send + Sync>;

fn spec_of(kind: RecordKind) -> &'static TableSpec {
    match kind {
        RecordKind::Persons => &spec::PERSONS,
        RecordKind::Buildings => &spec::BUILDINGS,
        RecordKind::Houses => &spec::HOUSES,
        RecordKind::Links => &spec::LINK_STAGE,
        RecordKind::Organizations => &spec::ORGANIZATIONS,
        RecordKind::Places => &spec::PLACES,
    }
}

impl Store {
    /// Imports one file of base data. See the [module](super) documentation for how.
    pub async fn import_base(
        &self,
        actor: &Actor,
        kind: RecordKind,
        source: Box<dyn RowSource>,
        opts: &BaseImportOptions,
        progress: Progress,
    ) -> StoreResult<BaseImportReport> {
        if !actor.can(Permission::ImportBaseData) {
            return Err(StoreError::Forbidden);
        }
        let started = Instant::now();
        let now = self.now_ms();
        let common = Common {
            grids: GridLookup::load(self, actor).await?,
            batch: uuid::Uuid::now_v7().to_string(),
            now,
            ids: RowIds::new(now),
        };
        let batch = common.batch.clone();
        let spec = spec_of(kind);
        let mut lock = vec![kind_table(kind)];
        if kind == RecordKind::Links {
            lock = vec!["person_houses"];
        }
        // Everything the plan reads from the pool is read before the import takes its lock: a
        // pool connection asked for under the lock could wait behind writers that themselves
        // wait for the lock, each holding a connection, until the pool's timeout.
        let inputs = self.plan_inputs(actor, kind).await?;
        let mut conn = open_conn(self, &lock).await?;
        // Read under the import's lock, so it holds until the rows are in.
        let elsewhere = if kind == RecordKind::Persons {
            persons_elsewhere(&mut conn, &actor.scope).await?
        } else {
            HashSet::new()
        };
        let plan = self.plan_for(kind, common, inputs, elsewhere)?;
        let mode = (kind == RecordKind::Links).then_some(Mode::Plain);
        let stamps = Stamps {
            batch: batch.clone(),
            now,
        };
        let mut writer = BulkWriter::start(conn, spec, mode, &stamps, &actor.scope).await?;
        let first_load = writer.mode() == Mode::FirstLoad;

        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let accept_valid = opts.accept_valid;
        let p = progress.clone();
        let checker = tokio::task::spawn_blocking(move || {
            let (mut source, mut plan) = (source, plan);
            check_all(kind, &mut *source, &mut *plan, accept_valid, tx, &*p)
        });
        let p = progress.clone();
        let write_error = writer
            .write_stream(rx, &move |rows| p(BaseImportProgress::Written { rows }))
            .await
            .err();
        let outcome: CheckOutcome = checker
            .await
            .map_err(|e| StoreError::Internal(format!("import checker: {e}")))?;
        if let Some(e) = write_error {
            return Err(e);
        }
        let mut report = BaseImportReport {
            kind: kind.as_str().to_owned(),
            rows_read: outcome.rows_read,
            rejected: outcome.rejected,
            warnings: outcome.warnings,
            faults: outcome.faults,
            first_load,
            ..BaseImportReport::default()
        };
        let doomed = |r: &BaseImportReport| r.rejected > 0 && !accept_valid;
        if doomed(&report) || outcome.sent == 0 {
            // Nothing is kept: the transaction ends here (indexes dropped for a first load
            // come back with the rollback).
            writer.finish(&|| {}).await?.2.rollback().await?;
            report.seconds = started.elapsed().as_secs_f64();
            return Ok(report);
        }
        let p = progress.clone();
        let (mut inserted, mut updated, mut conn) = writer
            .finish(&move || p(BaseImportProgress::Indexing))
            .await?;
        if kind == RecordKind::Links {
            super::links::resolve(&mut conn, &actor.scope).await?;
            let (faults, missing) = super::links::missing(&mut conn).await?;
            report.rejected += missing;
            report.faults.extend(faults);
            report.faults.sort_by_key(|f| f.row);
            if doomed(&report) {
                conn.rollback().await?;
                report.seconds = started.elapsed().as_secs_f64();
                return Ok(report);
            }
            let before = conn.count("SELECT COUNT(*) FROM person_houses").await?;
            let written = super::links::merge(&mut conn, &batch, now).await?;
            let after = conn.count("SELECT COUNT(*) FROM person_houses").await?;
            inserted = (after - before).max(0) as u64;
            updated = written.saturating_sub(inserted);
        }
        report.inserted = inserted;
        report.updated = updated;
        report.unchanged = outcome
            .sent
            .saturating_sub(inserted + updated)
            .saturating_sub(if kind == RecordKind::Links {
                report.rejected.saturating_sub(outcome.rejected)
            } else {
                0
            });
        report.batch_id = Some(batch.clone());
        progress(BaseImportProgress::Committing);
        record_batch(&mut conn, actor, kind, opts, &report, now).await?;
        conn.commit(if kind == RecordKind::Links {
            "person_houses"
        } else {
            kind_table(kind)
        })
        .await?;
        report.committed = true;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Whether any person is recorded inside the actor's scope (a fresh deployment has none).
    pub async fn has_persons(&self, actor: &Actor) -> StoreResult<bool> {
        if !actor.can(Permission::ViewBaseData) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        Ok(sqlx::query(&format!(
            "SELECT 1 FROM persons WHERE {} LIMIT 1",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }

    /// What the plan of an import of this kind reads from the database.
    async fn plan_inputs(&self, actor: &Actor, kind: RecordKind) -> StoreResult<PlanInputs> {
        Ok(match kind {
            RecordKind::Persons => PlanInputs::Prefixes(self.id_prefixes().await?),
            RecordKind::Buildings => PlanInputs::Users(self.usernames_in_scope(actor).await?),
            RecordKind::Houses | RecordKind::Links => {
                PlanInputs::Buildings(self.building_ids(actor).await?)
            }
            RecordKind::Organizations | RecordKind::Places => PlanInputs::None,
        })
    }

    fn plan_for(
        &self,
        kind: RecordKind,
        common: Common,
        inputs: PlanInputs,
        elsewhere: HashSet<u128>,
    ) -> StoreResult<Box<dyn RowPlan>> {
        let today = china_date_of_ms(common.now);
        Ok(match (kind, inputs) {
            (RecordKind::Persons, PlanInputs::Prefixes(prefixes)) => Box::new(PersonPlan {
                common,
                prefixes,
                protector: self.protector()?.clone(),
                today,
                elsewhere,
            }),
            (RecordKind::Buildings, PlanInputs::Users(users)) => {
                Box::new(BuildingPlan { common, users })
            }
            (RecordKind::Houses, PlanInputs::Buildings(buildings)) => {
                Box::new(HousePlan { common, buildings })
            }
            (RecordKind::Links, PlanInputs::Buildings(buildings)) => Box::new(LinkPlan {
                common,
                buildings,
                protector: self.protector()?.clone(),
                today,
            }),
            (RecordKind::Organizations, _) => Box::new(OrganizationPlan { common }),
            (RecordKind::Places, _) => Box::new(PlacePlan { common }),
            _ => {
                return Err(StoreError::Internal(
                    "an import's plan read the wrong inputs".into(),
                ));
            }
        })
    }

    async fn building_ids(&self, actor: &Actor) -> StoreResult<BuildingIds> {
        let scope = ScopeRange::of(actor);
        let rows: Vec<(String, String, String)> = sqlx::query_as(&format!(
            "SELECT grid_id, code, id FROM buildings WHERE {}",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(g, c, id)| ((g, c), id)).collect())
    }

    async fn usernames_in_scope(&self, actor: &Actor) -> StoreResult<HashMap<String, String>> {
        let scope = ScopeRange::of(actor);
        let rows: Vec<(String, String)> = sqlx::query_as(&format!(
            "SELECT username, id FROM users WHERE {}",
            scope.sql("scope_path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }
}

/// What an import's plan needs from the database, read before the import's lock.
enum PlanInputs {
    Prefixes(IdPrefixes),
    Users(HashMap<String, String>),
    Buildings(BuildingIds),
    None,
}

async fn record_batch(
    conn: &mut Conn,
    actor: &Actor,
    kind: RecordKind,
    opts: &BaseImportOptions,
    r: &BaseImportReport,
    now: i64,
) -> StoreResult<()> {
    let batch = r.batch_id.clone().unwrap_or_default();
    let sql = "INSERT INTO import_batches (id, kind, source, file_name, actor_id, actor_name, \
               scope_path, rows_read, inserted, updated, rejected, started_at, finished_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
    macro_rules! insert {
        ($c:expr) => {
            sqlx::query(sql)
                .bind(&batch)
                .bind(kind.as_str())
                .bind(&opts.source)
                .bind(&opts.file_name)
                .bind(&actor.user_id)
                .bind(&actor.username)
                .bind(actor.scope.as_str())
                .bind(r.rows_read as i64)
                .bind(r.inserted as i64)
                .bind(r.updated as i64)
                .bind(r.rejected as i64)
                .bind(now)
                .bind(now)
                .execute(&mut *$c)
                .await?
        };
    }
    let change = Change {
        action: "base_data.import",
        resource: format!("import_batch:{batch}"),
        scope_path: actor.scope.as_str(),
        summary: serde_json::json!({
            "kind": kind.as_str(),
            "source": opts.source,
            "file": opts.file_name,
            "rows_read": r.rows_read,
            "inserted": r.inserted,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "rejected": r.rejected,
        }),
    };
    match conn {
        Conn::Sqlite(c) => {
            insert!(c);
            audit::append_sqlite(c, now, actor, change).await?;
        }
        Conn::Pg(c) => {
            insert!(c);
            audit::append_pg(c, now, actor, change).await?;
        }
    }
    Ok(())
}

/// The faults as a CSV file for the importer: row, column (Chinese header and key), value,
/// reason in Chinese and English, and whether the row was kept with a warning. A byte-order mark
/// makes Excel read it as UTF-8.
pub fn import_report_csv(kind: RecordKind, faults: &[RowFault]) -> String {
    // Values come from the uploaded file as they were typed, formulas included: the safe writer
    // keeps them from running when the report is opened.
    let mut w = SafeCsvWriter::for_excel();
    let _ = w.write_record([
        "行 row",
        "列 column",
        "值 value",
        "原因",
        "reason",
        "级别 level",
    ]);
    for f in faults {
        let zh = kind
            .columns()
            .iter()
            .find(|c| c.key == f.column)
            .map_or(f.column.as_str(), |c| c.zh);
        let column = if zh == f.column {
            f.column.clone()
        } else {
            format!("{zh} ({})", f.column)
        };
        let level = if f.warning {
            "提示 warning"
        } else {
            "错误 error"
        };
        let _ = w.write_record([
            f.row.to_string().as_str(),
            &column,
            &f.value,
            &f.zh,
            &f.en,
            level,
        ]);
    }
    w.into_string().unwrap_or_default()
}
