//! Deciding a claimed task: the record changes (or is added, or deleted), the task is resolved
//! and the record's audit stream records the decision, all in one transaction, so a decision
//! that fails anywhere leaves the record and the task as they were.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::forms::FormTarget;
use gridgov_core::verify::VerifyAction;
use serde_json::json;
use sqlx::AnyConnection;

use super::correction::CheckedCorrection;
use super::step::{Resolution, step};
use super::tasks::find_task;
use super::{Decision, NOTE_MAX, TaskKind, VerificationTask};
use crate::audit::{self, Change};
use crate::grids::Grid;
use crate::records::{destination_grid, destination_grid_by_key};
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// The compared columns of a person, as stored on either side.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Fields {
    grid_id: String,
    path: String,
    name: String,
    gender: String,
    birth_date: String,
    ethnicity: String,
    phone_sealed: Option<String>,
    phone_bidx: Option<String>,
    registered_address: String,
    residence_type: String,
}

const FIELD_COLUMNS: &str = "grid_id, path, name, gender, birth_date, ethnicity, phone_sealed, \
    phone_bidx, registered_address, residence_type";

impl Fields {
    /// The names of the fields that differ; phones by blind index (a sealed value differs each
    /// time it is sealed).
    fn changed(&self, to: &Fields) -> Vec<&'static str> {
        let mut out = Vec::new();
        let pairs = [
            ("grid", self.grid_id == to.grid_id),
            ("name", self.name == to.name),
            ("gender", self.gender == to.gender),
            ("birth_date", self.birth_date == to.birth_date),
            ("ethnicity", self.ethnicity == to.ethnicity),
            ("phone", self.phone_bidx == to.phone_bidx),
            (
                "registered_address",
                self.registered_address == to.registered_address,
            ),
            ("residence_type", self.residence_type == to.residence_type),
        ];
        for (name, same) in pairs {
            if !same {
                out.push(name);
            }
        }
        out
    }
}

fn conflict(code: &'static str, zh: &str, en: &str) -> StoreError {
    StoreError::Conflict(FieldError::new("task", code, zh, en))
}

fn record_gone() -> StoreError {
    conflict(
        "record_gone",
        "该人员记录已不存在或已不在您的管辖范围内",
        "the person's record no longer exists or is no longer inside your scope",
    )
}

/// The record's compared fields, inside the actor's scope.
async fn record_fields(
    conn: &mut AnyConnection,
    actor: &Actor,
    county: &str,
    id: &str,
) -> StoreResult<Fields> {
    let scope = ScopeRange::of(actor);
    sqlx::query_as::<_, Fields>(&format!(
        "SELECT {FIELD_COLUMNS} FROM persons WHERE county_code = $1 AND id = $2 AND {}",
        scope.sql("path", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?
    .ok_or_else(record_gone)
}

/// The grid a source row would put the person in, checked like any destination: the source was
/// loaded by someone whose scope may be wider than the decider's (a county center's survey), so
/// its grid can lie where the decider cannot see. The decider did not choose that grid, so the
/// refusal says why and who can decide instead; nothing is written and the task stays theirs.
async fn source_destination(
    conn: &mut AnyConnection,
    actor: &Actor,
    source: &Fields,
) -> StoreResult<Grid> {
    match destination_grid(conn, actor, &source.grid_id).await {
        Err(StoreError::NotFound) => Err(FieldError::new(
            "grid",
            "source_grid_outside_scope",
            "来源记录中的网格不在您的管辖范围内，不能按来源迁移：\
             请释放该任务，交由管辖两地的上级中心处理",
            "the source puts the person in a grid outside your scope: release the task for a \
             center whose scope covers both grids to decide",
        )
        .into()),
        Err(StoreError::Invalid(_)) => Err(FieldError::new(
            "grid",
            "source_grid_retired",
            "来源记录中的网格已撤销，不能按来源写入：请按现行网格手工处理",
            "the source's grid has been retired and cannot be taken: use a current grid by hand",
        )
        .into()),
        other => other,
    }
}

async fn source_fields(
    conn: &mut AnyConnection,
    task: &VerificationTask,
    row: &str,
) -> StoreResult<Fields> {
    sqlx::query_as::<_, Fields>(&format!(
        "SELECT {FIELD_COLUMNS} FROM source_persons \
         WHERE county_code = $1 AND id = $2 AND comparison_id = $3"
    ))
    .bind(&task.county_code)
    .bind(row)
    .bind(&task.comparison_id)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| StoreError::Internal(format!("task {}: source row missing", task.id)))
}

/// Writes new values over a record: a version more, and the batch they came from when they
/// came from a source (a hand correction keeps the batch; the audit stream says who).
async fn update_person(
    conn: &mut AnyConnection,
    county: &str,
    id: &str,
    to: &Fields,
    batch: Option<&str>,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE persons SET grid_id = $3, path = $4, name = $5, gender = $6, birth_date = $7, \
         ethnicity = $8, phone_sealed = $9, phone_bidx = $10, registered_address = $11, \
         residence_type = $12, updated_batch = COALESCE($13, updated_batch), updated_at = $14, \
         version = version + 1 WHERE county_code = $1 AND id = $2",
    )
    .bind(county)
    .bind(id)
    .bind(&to.grid_id)
    .bind(&to.path)
    .bind(&to.name)
    .bind(&to.gender)
    .bind(&to.birth_date)
    .bind(&to.ethnicity)
    .bind(&to.phone_sealed)
    .bind(&to.phone_bidx)
    .bind(&to.registered_address)
    .bind(&to.residence_type)
    .bind(batch)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// Decides a task the actor has claimed. See [`Decision`] for what each side means for
    /// each kind of task. Outside the actor's scope the task is not found.
    pub async fn decide_task(
        &self,
        actor: &Actor,
        id: &str,
        decision: &Decision,
        note: &str,
    ) -> StoreResult<VerificationTask> {
        if !actor.can(Permission::VerifyRecords) {
            return Err(StoreError::Forbidden);
        }
        let note = gridgov_core::base_data::fields::opt_text("note", note, NOTE_MAX)?;
        // Input is checked before anything is read, so a bad correction costs no transaction.
        let correction = match decision {
            Decision::Correct(c) => Some(c.check()?),
            _ => None,
        };
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        // The core table decides whether the actor may decide now, and the task is resolved
        // with a guard on what was read; what follows fails the whole transaction if it must.
        let resolution = Resolution {
            decision: decision.as_str(),
            note: &note,
        };
        let task = step(
            &mut tx,
            actor,
            id,
            VerifyAction::Decide,
            now,
            Some(&resolution),
        )
        .await?
        .before;
        if correction.is_some() && task.kind != TaskKind::Differs {
            return Err(FieldError::new(
                "decision",
                "not_correctable",
                "只有信息不一致的任务可以手工更正",
                "only a task whose fields differ can be corrected by hand",
            )
            .into());
        }
        let (resource, changed) = self
            .apply(&mut tx, actor, &task, decision, correction, now)
            .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "verify.decide",
                resource,
                scope_path: &task.path,
                summary: json!({
                    "task": task.id, "comparison": task.comparison_id, "source": task.source,
                    "kind": task.kind.as_str(), "decision": decision.as_str(),
                    "changed": changed, "note": note,
                }),
            },
        )
        .await?;
        let done = find_task(&mut tx, actor, id).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// What the decision does to the records; returns the audit stream it belongs to and the
    /// fields it changed.
    async fn apply(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        task: &VerificationTask,
        decision: &Decision,
        correction: Option<CheckedCorrection>,
        now: i64,
    ) -> StoreResult<(String, Vec<&'static str>)> {
        let county = task.county_code.as_str();
        let person = task.person_id.as_deref();
        let row = task.source_row_id.as_deref();
        match (task.kind, decision, person, row) {
            (TaskKind::MissingInRecords, Decision::KeepRecord, _, _) => {
                Ok((format!("verification_task:{}", task.id), Vec::new()))
            }
            (TaskKind::MissingInRecords, Decision::TakeSource, _, Some(row)) => {
                // Inside the scope by construction (the task lies in the source row's grid), and
                // checked all the same: the grid may have been retired since.
                let source = source_fields(conn, task, row).await?;
                source_destination(conn, actor, &source).await?;
                let cols = crate::base::spec::PERSONS.column_list();
                let added = sqlx::query(&format!(
                    "INSERT INTO persons ({cols}) SELECT {cols} FROM source_persons \
                     WHERE county_code = $1 AND id = $2 AND comparison_id = $3 \
                     ON CONFLICT (id_card_bidx, county_code) DO NOTHING"
                ))
                .bind(county)
                .bind(row)
                .bind(&task.comparison_id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if added == 0 {
                    return Err(conflict(
                        "already_recorded",
                        "该人员已在人口库中（可能已由其他导入或核对加入）",
                        "the person is already in the records (added by another import or task)",
                    ));
                }
                Ok((format!("person:{row}"), vec!["added"]))
            }
            (TaskKind::MissingInSource, Decision::TakeSource, Some(person), _) => {
                record_fields(conn, actor, county, person).await?;
                // Moved out: the record goes with what hangs on it. The audit stream of the
                // person keeps the decision, its source and who made it.
                for sql in [
                    "DELETE FROM person_houses WHERE county_code = $1 AND person_id = $2",
                    "DELETE FROM form_values WHERE county_code = $1 AND record_id = $2 \
                     AND record_kind = $3",
                    "DELETE FROM persons WHERE county_code = $1 AND id = $2",
                ] {
                    sqlx::query(sql)
                        .bind(county)
                        .bind(person)
                        .bind(FormTarget::Persons.as_str())
                        .execute(&mut *conn)
                        .await?;
                }
                Ok((format!("person:{person}"), vec!["deleted"]))
            }
            (_, Decision::KeepRecord, Some(person), _) => {
                record_fields(conn, actor, county, person).await?;
                Ok((format!("person:{person}"), Vec::new()))
            }
            (TaskKind::Differs, Decision::TakeSource, Some(person), Some(row)) => {
                let before = record_fields(conn, actor, county, person).await?;
                let mut after = source_fields(conn, task, row).await?;
                if after.grid_id != before.grid_id {
                    after.path = source_destination(conn, actor, &after).await?.path;
                }
                let changed = before.changed(&after);
                let batch = Some(task.comparison_id.as_str());
                update_person(conn, county, person, &after, batch, now).await?;
                Ok((format!("person:{person}"), changed))
            }
            (TaskKind::Differs, Decision::Correct(_), Some(person), _) => {
                let before = record_fields(conn, actor, county, person).await?;
                let c = correction.unwrap_or_default();
                let after = self.corrected(conn, actor, county, &before, c).await?;
                let changed = before.changed(&after);
                update_person(conn, county, person, &after, None, now).await?;
                Ok((format!("person:{person}"), changed))
            }
            _ => Err(StoreError::Internal(format!(
                "task {}: {} cannot be decided {}",
                task.id,
                task.kind.as_str(),
                decision.as_str()
            ))),
        }
    }

    /// The record's fields with a checked correction laid over them.
    async fn corrected(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        county: &str,
        before: &Fields,
        c: CheckedCorrection,
    ) -> StoreResult<Fields> {
        let mut to = before.clone();
        if let Some(v) = c.name {
            to.name = v;
        }
        if let Some(v) = c.ethnicity {
            to.ethnicity = v;
        }
        if let Some(v) = c.registered_address {
            to.registered_address = v;
        }
        if let Some(v) = c.residence_type {
            to.residence_type = v;
        }
        match c.phone {
            Some(Some(phone))
                if self.protector()?.phone_index(&phone).as_str()
                    != to.phone_bidx.as_deref().unwrap_or("") =>
            {
                let sealed = self.protector()?.seal_phone(&phone)?;
                to.phone_sealed = Some(sealed.sealed);
                to.phone_bidx = Some(sealed.index);
            }
            Some(None) => {
                to.phone_sealed = None;
                to.phone_bidx = None;
            }
            _ => {}
        }
        if let Some(key) = c.grid {
            let grid = match destination_grid_by_key(conn, actor, &key).await {
                Err(StoreError::NotFound | StoreError::Invalid(_)) => {
                    return Err(FieldError::new(
                        "grid",
                        "unknown_grid",
                        format!("没有这个网格，或不在您的管辖范围内：{key}"),
                        format!("no such grid, or it is outside your scope: {key}"),
                    )
                    .into());
                }
                other => other?,
            };
            if grid.county_code != county {
                // The county is part of the record's key: moving there is a new record there.
                return Err(FieldError::new(
                    "grid",
                    "other_county",
                    "该网格属于其他县（市、区）：请在那里登记该人员",
                    "the grid is in another county: record the person there",
                )
                .into());
            }
            to.grid_id = grid.id;
            to.path = grid.path;
        }
        Ok(to)
    }
}
