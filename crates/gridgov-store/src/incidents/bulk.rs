//! A bulk load of incidents whose history was decided elsewhere (the benchmarks' filler, a
//! migration from an older system): rows written as the loop's own actions would have left them,
//! many to a statement and thousands to a transaction, numbered through the same per-county,
//! per-day counters as a report. It bypasses the loop's checks, so only the system may call it.
//!
//! What it does not write: the incidents' audit streams (their timelines). A loaded incident
//! shows its state, tasks and parties; its record starts with the next action taken on it.

use std::collections::BTreeMap;

use gridgov_core::auth::{Actor, Role};
use gridgov_core::ids::{Ymd, china_date_of_ms};
use gridgov_core::incidents::IncidentNumber;
use gridgov_core::regions::RegionCode;
use sqlx::{Any, Transaction};

use crate::{Store, StoreError, StoreResult};

/// One incident as its actions would have left it; `number` is given by the load.
#[derive(Debug, Clone, Default)]
pub struct BulkIncident {
    pub county_code: String,
    pub id: String,
    pub title: String,
    pub description: String,
    pub category_code: String,
    pub grade: String,
    pub source: String,
    pub state: String,
    pub reporter_id: Option<String>,
    pub reporter_name: String,
    pub occurred_at: Option<i64>,
    pub reported_at: i64,
    pub lng: Option<f64>,
    pub lat: Option<f64>,
    pub address: String,
    pub grid_id: Option<String>,
    pub region_code: String,
    pub path: String,
    pub center_path: String,
    /// The id of an incident of the same county this one was merged into.
    pub merged_into: Option<String>,
    pub resolution_level: Option<String>,
    pub evaluation: Option<String>,
    pub reopen_count: i64,
    pub rework_count: i64,
    pub return_count: i64,
    pub shirking: bool,
    pub closed_at: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
    pub tasks: Vec<BulkTask>,
    pub parties: Vec<BulkParty>,
}

/// One task of an incident.
#[derive(Debug, Clone, Default)]
pub struct BulkTask {
    pub id: String,
    pub kind: String,
    pub assignee_type: String,
    pub assignee_id: String,
    pub state: String,
    pub summoned: bool,
    pub report_in_due: Option<i64>,
    pub reported_in_at: Option<i64>,
    pub handler_id: Option<String>,
    pub result: Option<String>,
    pub handled_at: Option<i64>,
    pub return_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One party, as free text (loaded incidents name no person records).
#[derive(Debug, Clone, Default)]
pub struct BulkParty {
    pub name: String,
    pub side: String,
    pub note: String,
}

/// Rows per INSERT: under SQLite's 32,766 parameters at the widest table (32 columns).
const INCIDENT_ROWS: usize = 500;
const TASK_ROWS: usize = 1_000;
const PARTY_ROWS: usize = 2_000;

const INCIDENT_COLUMNS: &str = "county_code, id, number, title, description, category_code, \
     grade, source, state, reporter_id, reporter_name, occurred_at, reported_at, lng, lat, \
     address, grid_id, region_code, path, center_path, merged_into, merged_into_county, \
     resolution_level, evaluation, reopen_count, rework_count, return_count, shirking, closed_at, version, \
     created_at, updated_at";

/// `($1, …, $n)` groups for `rows` rows of `cols` columns; `cast` wraps the columns (0-based)
/// that are bound as text and stored as doubles, as the report does.
fn values(rows: usize, cols: usize, cast: &[usize]) -> String {
    let mut s = String::with_capacity(rows * cols * 6);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            let n = r * cols + c + 1;
            if cast.contains(&c) {
                s.push_str(&format!("CAST(${n} AS DOUBLE PRECISION)"));
            } else {
                s.push_str(&format!("${n}"));
            }
        }
        s.push(')');
    }
    s
}

fn only_the_system(actor: &Actor) -> StoreResult<()> {
    if actor.role == Role::SystemAdmin && actor.scope.is_root() {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

impl Store {
    /// Does for the incident tables after bulk loads what PostgreSQL's autovacuum does in time:
    /// gathers the planner's statistics (without them a work list over a million rows is planned
    /// as if they were a few pages: seconds instead of milliseconds) and marks the pages all
    /// visible (without that a list's total cannot be counted from an index alone).
    pub async fn analyze_incidents(&self, actor: &Actor) -> StoreResult<()> {
        only_the_system(actor)?;
        // SQLite's lists do not lean on statistics (the store picks each door's read from
        // counts), and gathering them would change its other plans behind the tests' backs.
        if self.backend() != crate::db::Backend::Postgres {
            return Ok(());
        }
        for table in ["incidents", "incident_tasks", "incident_parties"] {
            sqlx::query(&format!("VACUUM ANALYZE {table}"))
                .execute(self.writer())
                .await?;
        }
        Ok(())
    }

    /// Loads incidents with their tasks and parties in one transaction, numbering each on the
    /// day (China time) of its report in the order given. Returns their numbers.
    pub async fn bulk_load_incidents(
        &self,
        actor: &Actor,
        batch: &[BulkIncident],
    ) -> StoreResult<Vec<String>> {
        only_the_system(actor)?;
        let mut tx = self.begin_write().await?;
        let numbers = number(&mut tx, batch).await?;
        for (rows, nums) in batch
            .chunks(INCIDENT_ROWS)
            .zip(numbers.chunks(INCIDENT_ROWS))
        {
            insert_incidents(&mut tx, rows, nums).await?;
        }
        let tasks: Vec<(&BulkIncident, &BulkTask)> = batch
            .iter()
            .flat_map(|i| i.tasks.iter().map(move |t| (i, t)))
            .collect();
        for rows in tasks.chunks(TASK_ROWS) {
            insert_tasks(&mut tx, rows).await?;
        }
        let parties: Vec<(&BulkIncident, usize, &BulkParty)> = batch
            .iter()
            .flat_map(|i| i.parties.iter().enumerate().map(move |(k, p)| (i, k, p)))
            .collect();
        for rows in parties.chunks(PARTY_ROWS) {
            insert_parties(&mut tx, rows).await?;
        }
        tx.commit().await?;
        Ok(numbers)
    }
}

/// The numbers of the batch: each county and day's counter bumped once by its count.
async fn number(
    tx: &mut Transaction<'static, Any>,
    batch: &[BulkIncident],
) -> StoreResult<Vec<String>> {
    let mut groups: BTreeMap<(&str, Ymd), Vec<usize>> = BTreeMap::new();
    for (k, i) in batch.iter().enumerate() {
        groups
            .entry((i.county_code.as_str(), china_date_of_ms(i.reported_at)))
            .or_default()
            .push(k);
    }
    let mut out = vec![String::new(); batch.len()];
    for ((county, date), members) in groups {
        let day = format!("{:04}{:02}{:02}", date.0, date.1, date.2);
        let n = members.len() as i64;
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO incident_numbers (county_code, day, last_seq) VALUES ($1, $2, $3) \
             ON CONFLICT (county_code, day) DO UPDATE SET last_seq = incident_numbers.last_seq \
             + $3 RETURNING last_seq",
        )
        .bind(county)
        .bind(&day)
        .bind(n)
        .fetch_one(&mut **tx)
        .await?;
        let code = RegionCode::parse("county_code", county)?;
        for (k, at) in members.into_iter().enumerate() {
            let seq = u32::try_from(last - n + 1 + k as i64)
                .map_err(|_| StoreError::Internal(format!("incident counter overflow: {last}")))?;
            out[at] = IncidentNumber::new("number", code.clone(), date, seq)?.to_string();
        }
    }
    Ok(out)
}

async fn insert_incidents(
    tx: &mut Transaction<'static, Any>,
    rows: &[BulkIncident],
    numbers: &[String],
) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO incidents ({INCIDENT_COLUMNS}) VALUES {}",
        values(rows.len(), 32, &[13, 14])
    );
    let mut q = sqlx::query(&sql);
    for (i, number) in rows.iter().zip(numbers) {
        q = q
            .bind(&i.county_code)
            .bind(&i.id)
            .bind(number)
            .bind(&i.title)
            .bind(&i.description)
            .bind(&i.category_code)
            .bind(&i.grade)
            .bind(&i.source)
            .bind(&i.state)
            .bind(&i.reporter_id)
            .bind(&i.reporter_name)
            .bind(i.occurred_at)
            .bind(i.reported_at)
            .bind(i.lng.map(|v| v.to_string()))
            .bind(i.lat.map(|v| v.to_string()))
            .bind(&i.address)
            .bind(&i.grid_id)
            .bind(&i.region_code)
            .bind(&i.path)
            .bind(&i.center_path)
            .bind(&i.merged_into)
            .bind(i.merged_into.as_ref().map(|_| &i.county_code))
            .bind(&i.resolution_level)
            .bind(&i.evaluation)
            .bind(i.reopen_count)
            .bind(i.rework_count)
            .bind(i.return_count)
            .bind(i64::from(i.shirking))
            .bind(i.closed_at)
            .bind(i.version)
            .bind(i.reported_at)
            .bind(i.updated_at);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

async fn insert_tasks(
    tx: &mut Transaction<'static, Any>,
    rows: &[(&BulkIncident, &BulkTask)],
) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO incident_tasks (county_code, id, incident_id, kind, assignee_type, \
         assignee_id, state, summoned, report_in_due, reported_in_at, handler_id, result, \
         handled_at, return_count, created_at, updated_at) VALUES {}",
        values(rows.len(), 16, &[])
    );
    let mut q = sqlx::query(&sql);
    for (i, t) in rows {
        q = q
            .bind(&i.county_code)
            .bind(&t.id)
            .bind(&i.id)
            .bind(&t.kind)
            .bind(&t.assignee_type)
            .bind(&t.assignee_id)
            .bind(&t.state)
            .bind(i64::from(t.summoned))
            .bind(t.report_in_due)
            .bind(t.reported_in_at)
            .bind(&t.handler_id)
            .bind(&t.result)
            .bind(t.handled_at)
            .bind(t.return_count)
            .bind(t.created_at)
            .bind(t.updated_at);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

async fn insert_parties(
    tx: &mut Transaction<'static, Any>,
    rows: &[(&BulkIncident, usize, &BulkParty)],
) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO incident_parties (county_code, incident_id, seq, person_county, person_id, \
         name, side, note) VALUES {}",
        values(rows.len(), 8, &[])
    );
    let mut q = sqlx::query(&sql);
    for (i, seq, p) in rows {
        q = q
            .bind(&i.county_code)
            .bind(&i.id)
            .bind(*seq as i64)
            .bind(None::<String>)
            .bind(None::<String>)
            .bind(&p.name)
            .bind(&p.side)
            .bind(&p.note);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}
