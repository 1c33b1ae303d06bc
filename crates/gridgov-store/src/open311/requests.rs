//! The public reads of a jurisdiction's requests: every incident of the city in a category its
//! services offer, whoever reported it (the spec's list is of the city's requests, not only
//! those made through Open311), with the spec's filters. Only what a notice board would show
//! goes out: number, status, service, the incident's title as its description, times, place.
//! No reporter, party, phone, e-mail or note is read.

use gridgov_core::incidents::IncidentState;
use gridgov_core::open311::{LIST_MAX, PublicStatus, public_status, states_of};
use gridgov_core::scope::ScopePath;
use serde::Serialize;

use super::{Jurisdiction, Service};
use crate::scope::ScopeRange;
use crate::{Store, StoreResult};

/// The spec's filters, already parsed. `ids` overrides all the others.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub ids: Vec<String>,
    pub service_codes: Vec<String>,
    /// Requested between these instants (Unix ms, inclusive), already narrowed to 90 days.
    pub start: i64,
    pub end: i64,
    /// Empty: every status.
    pub statuses: Vec<PublicStatus>,
}

/// One request as the public sees it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicRequest {
    pub service_request_id: String,
    pub status: &'static str,
    pub status_notes: Option<(&'static str, &'static str)>,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    pub requested_at: i64,
    pub updated_at: i64,
    pub address: String,
    pub address_id: String,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    number: String,
    title: String,
    category_code: String,
    state: String,
    reported_at: i64,
    updated_at: i64,
    closed_at: Option<i64>,
    address: String,
    lat: Option<f64>,
    lng: Option<f64>,
    address_id: Option<String>,
    media_url: Option<String>,
}

const COLUMNS: &str = "i.number, i.title, i.category_code, i.state, i.reported_at, i.updated_at, \
     i.closed_at, i.address, i.lat, i.lng, o.address_id, o.media_url";

/// The county of an incident number (`SJ-420202-20261207-0001`).
fn county_of(number: &str) -> Option<&str> {
    let mut parts = number.split('-');
    (parts.next() == Some("SJ")).then_some(())?;
    parts.next().filter(|c| !c.is_empty())
}

/// A value of the statement, in the order of its placeholders.
enum Bind {
    Text(String),
    Int(i64),
}

/// Values pushed as the SQL is written, numbered as they come.
#[derive(Default)]
struct Binds(Vec<Bind>);

impl Binds {
    fn text(&mut self, v: impl Into<String>) -> String {
        self.0.push(Bind::Text(v.into()));
        format!("${}", self.0.len())
    }

    fn int(&mut self, v: i64) -> String {
        self.0.push(Bind::Int(v));
        format!("${}", self.0.len())
    }

    fn list<'a>(&mut self, vs: impl IntoIterator<Item = &'a str>) -> String {
        let slots: Vec<String> = vs.into_iter().map(|v| self.text(v)).collect();
        slots.join(", ")
    }
}

impl Store {
    /// The requests of a jurisdiction matching the filter, newest first, at most 1,000.
    pub async fn open311_requests(
        &self,
        j: &Jurisdiction,
        filter: &RequestFilter,
    ) -> StoreResult<Vec<PublicRequest>> {
        let services = self.open311_services(&j.region_code).await?;
        let offered: Vec<&Service> = if filter.ids.is_empty() && !filter.service_codes.is_empty() {
            services
                .iter()
                .filter(|s| filter.service_codes.contains(&s.service_code))
                .collect()
        } else {
            services.iter().collect()
        };
        if offered.is_empty() {
            return Ok(Vec::new());
        }
        let range = ScopeRange::of_path(&ScopePath::from_path(j.path.clone()));
        let mut b = Binds::default();
        let (lo, hi) = range.bounds();
        b.text(lo);
        b.text(hi);
        let mut clauses = vec![range.sql("i.path", 1)];
        let categories = b.list(offered.iter().map(|s| s.category_code.as_str()));
        clauses.push(format!("i.category_code IN ({categories})"));
        if filter.ids.is_empty() {
            let (from, to) = (b.int(filter.start), b.int(filter.end));
            clauses.push(format!("i.reported_at >= {from} AND i.reported_at <= {to}"));
            // Both statuses, or none, is every request: no condition.
            if filter.statuses.len() == 1 {
                let states: Vec<IncidentState> =
                    filter.statuses.iter().flat_map(|s| states_of(*s)).collect();
                let slots = b.list(states.iter().map(|s| s.as_str()));
                clauses.push(format!("i.state IN ({slots})"));
            }
        } else {
            let mut keys = Vec::new();
            for id in filter.ids.iter().take(LIST_MAX as usize) {
                let Some(county) = county_of(id) else {
                    continue;
                };
                let c = b.text(county);
                let n = b.text(id.as_str());
                keys.push(format!("(i.county_code = {c} AND i.number = {n})"));
            }
            if keys.is_empty() {
                return Ok(Vec::new());
            }
            clauses.push(format!("({})", keys.join(" OR ")));
        }
        let text = format!(
            "SELECT {COLUMNS} FROM incidents i LEFT JOIN open311_requests o \
             ON o.county_code = i.county_code AND o.incident_id = i.id WHERE {} \
             ORDER BY i.reported_at DESC, i.id DESC LIMIT {LIST_MAX}",
            clauses.join(" AND ")
        );
        // Not kept prepared: the category and state lists vary in length, and PostgreSQL plans
        // each for its values.
        let mut q = sqlx::query_as::<_, Row>(&text).persistent(false);
        for v in b.0 {
            q = match v {
                Bind::Text(t) => q.bind(t),
                Bind::Int(i) => q.bind(i),
            };
        }
        let rows = q.fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| public(r, &services))
            .collect())
    }

    /// One request of a jurisdiction by its id (the incident number).
    pub async fn open311_request(
        &self,
        j: &Jurisdiction,
        id: &str,
    ) -> StoreResult<Option<PublicRequest>> {
        let filter = RequestFilter {
            ids: vec![id.to_owned()],
            ..Default::default()
        };
        Ok(self.open311_requests(j, &filter).await?.into_iter().next())
    }

    /// The request a token stands for, in a jurisdiction: `(token, service_request_id)`.
    pub async fn open311_token(
        &self,
        j: &Jurisdiction,
        token: &str,
    ) -> StoreResult<Option<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT o.token, i.number FROM open311_requests o JOIN incidents i \
             ON i.county_code = o.county_code AND i.id = o.incident_id \
             WHERE o.token = $1 AND o.region_code = $2",
        )
        .bind(token)
        .bind(&j.region_code)
        .fetch_optional(&self.pool)
        .await?)
    }
}

fn public(r: Row, services: &[Service]) -> Option<PublicRequest> {
    let service = services
        .iter()
        .find(|s| s.category_code == r.category_code)?;
    let state = IncidentState::parse("state", &r.state).ok()?;
    let (status, notes) = public_status(state);
    Some(PublicRequest {
        service_request_id: r.number,
        status: status.as_str(),
        status_notes: notes,
        service_name: service.name.clone(),
        service_code: service.service_code.clone(),
        description: r.title,
        requested_at: r.reported_at,
        updated_at: if status == PublicStatus::Closed {
            r.closed_at.unwrap_or(r.updated_at)
        } else {
            r.updated_at
        },
        address: r.address,
        address_id: r.address_id.unwrap_or_default(),
        lat: r.lat,
        long: r.lng,
        media_url: r.media_url.unwrap_or_default(),
    })
}
