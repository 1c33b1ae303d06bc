//! Persons of a scope as CSV in the import template's columns, streamed: masked by default; in
//! full only for those who may unmask, with a reason, logged once for the whole export with the
//! number of persons it reveals (before the first row leaves). Written by the one safe CSV writer,
//! so a name like `=HYPERLINK(…)` reaches a spreadsheet as text.

use futures_util::TryStreamExt;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::{Ethnicity, RecordKind, ResidenceType};
use serde_json::json;
use tokio::sync::mpsc;

use super::unmask::check_reason;
use super::{mask, need};
use crate::audit::{self, Change};
use crate::protect::{FieldKind, Protector};
use crate::scope::{BindScope, ScopeRange};
use crate::sheets::out::SafeCsvWriter;
use crate::{Store, StoreError, StoreResult};

/// Bytes of CSV gathered before a chunk is handed on.
const CHUNK: usize = 64 * 1024;
/// Chunks buffered ahead of a slow reader; the query waits beyond that, so memory stays small.
const AHEAD: usize = 4;

/// An export under way: how many persons it holds, whether numbers are in full, and the CSV.
pub struct PersonExport {
    pub rows: i64,
    pub revealed: bool,
    pub chunks: ExportChunks,
}

/// The CSV in chunks, produced while the reader consumes them.
pub struct ExportChunks(mpsc::Receiver<StoreResult<Vec<u8>>>);

impl ExportChunks {
    /// The next chunk; `None` at the end. An error ends the export.
    pub async fn next(&mut self) -> Option<StoreResult<Vec<u8>>> {
        self.0.recv().await
    }

    /// The chunks as a stream, for a response body.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = StoreResult<Vec<u8>>> + Send {
        futures_util::stream::unfold(self, |mut c| async move { c.next().await.map(|x| (x, c)) })
    }
}

#[derive(sqlx::FromRow)]
struct ExportRow {
    grid_key: String,
    name: String,
    id_card_sealed: String,
    gender: String,
    birth_date: String,
    ethnicity: String,
    phone_sealed: Option<String>,
    registered_address: String,
    residence_type: String,
    tags: String,
}

impl ExportRow {
    fn record(&self, p: &Protector, reveal: bool) -> StoreResult<[String; 10]> {
        let (id, phone) = if reveal {
            (
                p.open(FieldKind::IdCardNo, &self.id_card_sealed)?,
                match &self.phone_sealed {
                    Some(s) => p.open(FieldKind::Phone, s)?,
                    None => String::new(),
                },
            )
        } else {
            (
                mask::id_card(p, &self.id_card_sealed)?,
                mask::phone(p, self.phone_sealed.as_deref())?.unwrap_or_default(),
            )
        };
        let gender = match self.gender.as_str() {
            "male" => "男",
            "female" => "女",
            other => other,
        };
        Ok([
            self.grid_key.clone(),
            self.name.clone(),
            id,
            gender.to_owned(),
            self.birth_date.clone(),
            Ethnicity::parse("ethnicity", &self.ethnicity)
                .map(|e| e.zh().to_owned())
                .unwrap_or_default(),
            phone,
            self.registered_address.clone(),
            ResidenceType::parse("residence_type", &self.residence_type)
                .map(|r| r.zh().to_owned())
                .unwrap_or_else(|_| self.residence_type.clone()),
            self.tags.clone(),
        ])
    }
}

impl Store {
    /// Starts an export of the persons inside the actor's scope (under a region's path when
    /// given). With `reveal_reason`, ID numbers and phones are written in full: that needs the
    /// unmask permission and is logged before anything is read.
    pub async fn export_persons(
        &self,
        actor: &Actor,
        under_path: Option<&str>,
        reveal_reason: Option<&str>,
    ) -> StoreResult<PersonExport> {
        need(actor, Permission::ViewBaseData)?;
        let reason = match reveal_reason {
            Some(r) => {
                need(actor, Permission::UnmaskPersonalData)?;
                Some(check_reason(r)?)
            }
            None => None,
        };
        let prot = self.protector()?.clone();
        let scope = ScopeRange::narrowed(actor, under_path)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let (rows,): (i64,) = sqlx::query_as(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM persons WHERE {}",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_one(&mut *tx)
        .await?;
        let export_id = uuid::Uuid::now_v7().to_string();
        if let Some(reason) = &reason {
            sqlx::query(
                "INSERT INTO unmask_log (id, at, actor_id, export_rows, county_code, field, \
                 reason, path) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&export_id)
            .bind(now)
            .bind(&actor.user_id)
            .bind(rows)
            .bind(scope.path().split('/').nth(2).unwrap_or_default())
            .bind("id_card_no+phone")
            .bind(reason)
            .bind(scope.path())
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: if reason.is_some() {
                    "persons.export_revealed"
                } else {
                    "persons.export"
                },
                resource: format!("export:{export_id}"),
                scope_path: scope.path(),
                summary: json!({"rows": rows, "reason": reason, "path": scope.path()}),
            },
        )
        .await?;
        tx.commit().await?;
        let revealed = reason.is_some();
        let (send, recv) = mpsc::channel(AHEAD);
        let pool = self.pool.clone();
        tokio::spawn(async move {
            if let Err(e) = write_csv(&pool, &prot, &scope, revealed, &send).await {
                let _ = send.send(Err(e)).await;
            }
        });
        Ok(PersonExport {
            rows,
            revealed,
            chunks: ExportChunks(recv),
        })
    }
}

/// Reads the persons in path and name order and sends CSV chunks until done or the reader
/// leaves (a closed channel stops the query).
async fn write_csv(
    pool: &sqlx::AnyPool,
    prot: &Protector,
    scope: &ScopeRange,
    reveal: bool,
    send: &mpsc::Sender<StoreResult<Vec<u8>>>,
) -> StoreResult<()> {
    let csv_err = |e: csv::Error| StoreError::Internal(format!("writing CSV: {e}"));
    let io_err = |e: std::io::Error| StoreError::Internal(format!("writing CSV: {e}"));
    let mut w = SafeCsvWriter::from_writer(Vec::with_capacity(CHUNK + 1024));
    w.write_record(RecordKind::Persons.columns().iter().map(|c| c.zh))
        .map_err(csv_err)?;
    let sql = format!(
        "SELECT g.region_code || '-' || g.code AS grid_key, p.name, p.id_card_sealed, p.gender, \
         p.birth_date, p.ethnicity, p.phone_sealed, p.registered_address, p.residence_type, \
         p.tags FROM persons p JOIN grids g ON g.id = p.grid_id \
         WHERE {} ORDER BY p.path, p.name, p.id",
        scope.sql("p.path", 1)
    );
    let mut rows = sqlx::query_as::<_, ExportRow>(&sql)
        .bind_scope(scope)
        .fetch(pool);
    while let Some(r) = rows.try_next().await? {
        w.write_record(r.record(prot, reveal)?).map_err(csv_err)?;
        if w.get_ref().len() >= CHUNK {
            let full = std::mem::replace(
                &mut w,
                SafeCsvWriter::from_writer(Vec::with_capacity(CHUNK + 1024)),
            )
            .into_inner()
            .map_err(io_err)?;
            if send.send(Ok(full)).await.is_err() {
                return Ok(());
            }
        }
    }
    let last = w.into_inner().map_err(io_err)?;
    if !last.is_empty() {
        let _ = send.send(Ok(last)).await;
    }
    Ok(())
}
