//! Incident numbers, `SJ-<county>-<yyyymmdd>-<seq>`: one counter per county and day, bumped in
//! the transaction that writes the incident. A report rolled back gives its number back (no
//! gaps); the counter row serialises concurrent reports of one county (no duplicates): on
//! PostgreSQL by its row lock, on SQLite by the write lock every write transaction takes first.

use gridgov_core::ids::china_date_of_ms;
use gridgov_core::incidents::IncidentNumber;
use gridgov_core::regions::RegionCode;
use sqlx::AnyConnection;

use crate::StoreResult;

/// The next number of the county on the day (China time) of `now_ms`.
pub(super) async fn next_number(
    conn: &mut AnyConnection,
    county: &str,
    now_ms: i64,
) -> StoreResult<IncidentNumber> {
    let date = china_date_of_ms(now_ms);
    let day = format!("{:04}{:02}{:02}", date.0, date.1, date.2);
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO incident_numbers (county_code, day, last_seq) VALUES ($1, $2, 1) \
         ON CONFLICT (county_code, day) DO UPDATE SET last_seq = incident_numbers.last_seq + 1 \
         RETURNING last_seq",
    )
    .bind(county)
    .bind(&day)
    .fetch_one(&mut *conn)
    .await?;
    let county = RegionCode::parse("county", county)?;
    let seq = u32::try_from(seq)
        .map_err(|_| crate::StoreError::Internal(format!("incident counter overflow: {seq}")))?;
    Ok(IncidentNumber::new("number", county, date, seq)?)
}
