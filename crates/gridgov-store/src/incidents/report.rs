//! Reporting an incident: checked whole, placed in a grid inside the reporter's scope, numbered,
//! written with its parties in one transaction with the first event of its record.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission, Role};
use gridgov_core::incidents::{Grade, IncidentEvent, IncidentState, Source, TEXT_MAX};
use gridgov_core::text::visible_chars;
use gridgov_geo::LngLat;
use serde_json::json;
use sqlx::AnyConnection;

use super::facts::{CallerFacts, caller_facts, incident_in_doors};
use super::input::ReportInput;
use super::numbers::next_number;
use super::rows::{IncidentView, RETURNING_COLUMNS};
use crate::audit::{self, Change};
use crate::bridges::{OrderClaim, incident_of_order, take_order};
use crate::records::{destination_grid, need};
use crate::{Backend, Store, StoreError, StoreResult};

/// Reports kept per caller under one idempotency key.
const KEY_MAX: usize = 100;

/// What makes a report happen once, claimed in its own transaction.
enum Once<'a> {
    /// The caller's idempotency key: a retry after a lost answer.
    Key(&'a str),
    /// A bridge's external order number: a repeated delivery.
    Order(&'a OrderClaim),
}

/// Where a report lies: its grid (when known), region, scope path and the center's path.
pub(super) struct Place {
    pub grid_id: Option<String>,
    pub county_code: String,
    pub region_code: String,
    pub path: String,
    pub center_path: String,
    /// WGS84.
    pub lng: Option<f64>,
    pub lat: Option<f64>,
}

/// The checked text fields of a report.
struct Checked {
    title: String,
    description: String,
    category: String,
    grade: Grade,
    source: Source,
    address: String,
}

fn text(field: &str, value: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if visible_chars(v) < min {
        return Err(FieldError::new(
            field,
            "required",
            format!("请填写（至少 {min} 个字）"),
            format!("required (at least {min} visible characters)"),
        ));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("最多 {max} 个字符"),
            format!("at most {max} characters"),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldError::new(
            field,
            "control_char",
            "含有控制字符",
            "contains control characters",
        ));
    }
    Ok(v.to_owned())
}

/// The source a report comes from when the caller does not say: what their role is.
fn default_source(role: Role) -> Source {
    match role {
        Role::DepartmentHandler => Source::Department,
        Role::PoliceOfficer => Source::Police110,
        Role::SystemAdmin | Role::CenterOperator | Role::Leader => Source::HigherCenter,
        _ => Source::GridPatrol,
    }
}

/// The path of the village or other region that holds a grid: the grid's path without its last
/// segment (`…/420202001001/G01/` → `…/420202001001/`).
pub(crate) fn parent_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(at) => trimmed[..=at].to_owned(),
        None => String::new(),
    }
}

impl Store {
    /// Reports an incident. With an idempotency key, a report sent again (a retry after a lost
    /// answer) returns the incident the first one made instead of a second.
    pub async fn report_incident(
        &self,
        actor: &Actor,
        input: &ReportInput,
        idempotency_key: Option<&str>,
    ) -> StoreResult<IncidentView> {
        self.report_with(actor, input, idempotency_key, None).await
    }

    /// A report through a door (an Open311 key): the same path, with the door's own row
    /// written in the report's transaction.
    pub(crate) async fn report_incident_through(
        &self,
        actor: &Actor,
        input: &ReportInput,
        extra: Option<&crate::open311::Open311Extra>,
    ) -> StoreResult<IncidentView> {
        self.report_with(actor, input, None, extra).await
    }

    async fn report_with(
        &self,
        actor: &Actor,
        input: &ReportInput,
        idempotency_key: Option<&str>,
        extra: Option<&crate::open311::Open311Extra>,
    ) -> StoreResult<IncidentView> {
        need(actor, Permission::ReportIncidents)?;
        let key = match idempotency_key.map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) if k.len() > KEY_MAX => {
                return Err(FieldError::new(
                    "Idempotency-Key",
                    "too_long",
                    format!("幂等键最多 {KEY_MAX} 个字符"),
                    format!("an idempotency key has at most {KEY_MAX} characters"),
                )
                .into());
            }
            other => other,
        };
        self.report_once(actor, input, key.map(Once::Key), extra)
            .await
    }

    /// Reports a bridge's order, once per external number (see `crate::bridges`).
    pub(crate) async fn report_order(
        &self,
        actor: &Actor,
        input: &ReportInput,
        claim: &OrderClaim,
    ) -> StoreResult<IncidentView> {
        self.report_once(actor, input, Some(Once::Order(claim)), None)
            .await
    }

    /// The report, made once per `once` when given: an earlier one's incident is the answer,
    /// and the claim is written in the report's transaction, so two at once make one. A door's
    /// own row (`extra`, an Open311 request) is written in the same transaction.
    async fn report_once(
        &self,
        actor: &Actor,
        input: &ReportInput,
        once: Option<Once<'_>>,
        extra: Option<&crate::open311::Open311Extra>,
    ) -> StoreResult<IncidentView> {
        if let Some(o) = &once
            && let Some(found) = self.incident_once(actor, o).await?
        {
            return Ok(found);
        }
        // The checks read reference data only. On SQLite they read on a reader connection,
        // outside the one writer's lock; on PostgreSQL through the transaction's connection.
        let mut early_tx = None;
        let (checked, place, facts) = match self.backend() {
            Backend::Sqlite => {
                self.report_facts(&mut *self.pool.acquire().await?, actor, input)
                    .await?
            }
            Backend::Postgres => {
                let tx = early_tx.insert(self.begin_write().await?);
                self.report_facts(tx, actor, input).await?
            }
        };
        let mut tx = match early_tx {
            Some(tx) => tx,
            None => self.begin_write().await?,
        };
        let parties = self.resolve_parties(&mut tx, actor, &input.parties).await?;
        let now = self.now_ms();
        let number = next_number(&mut tx, &place.county_code, now).await?;
        let id = uuid::Uuid::now_v7().to_string();
        let occurred = match input.occurred_at {
            Some(t) if t > now + 5 * 60_000 => {
                return Err(FieldError::new(
                    "occurred_at",
                    "in_future",
                    "发生时间不能晚于现在",
                    "the time of occurrence cannot be in the future",
                )
                .into());
            }
            other => other,
        };
        // The reporter sees their own report through their own door: the row as written is the
        // answer, with no second read.
        let mut view = sqlx::query_as::<_, IncidentView>(&format!(
            "INSERT INTO incidents (county_code, id, number, title, description, category_code, \
             grade, source, state, reporter_id, reporter_name, occurred_at, reported_at, lng, lat, \
             address, grid_id, region_code, path, center_path, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
             CAST($14 AS DOUBLE PRECISION), CAST($15 AS DOUBLE PRECISION), $16, $17, $18, $19, \
             $20, $13, $13) RETURNING {}",
            *RETURNING_COLUMNS
        ))
        .bind(&place.county_code)
        .bind(&id)
        .bind(number.to_string())
        .bind(&checked.title)
        .bind(&checked.description)
        .bind(&checked.category)
        .bind(checked.grade.as_str())
        .bind(checked.source.as_str())
        .bind(IncidentState::Reported.as_str())
        .bind(&actor.user_id)
        .bind(&actor.username)
        .bind(occurred)
        .bind(now)
        .bind(place.lng.map(|v| v.to_string()))
        .bind(place.lat.map(|v| v.to_string()))
        .bind(&checked.address)
        .bind(&place.grid_id)
        .bind(&place.region_code)
        .bind(&place.path)
        .bind(&place.center_path)
        .fetch_one(&mut *tx)
        .await?;
        for (seq, p) in parties.iter().enumerate() {
            sqlx::query(
                "INSERT INTO incident_parties (county_code, incident_id, seq, person_county, \
                 person_id, name, side, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&place.county_code)
            .bind(&id)
            .bind(seq as i64)
            .bind(p.person.as_ref().map(|(c, _)| c.as_str()))
            .bind(p.person.as_ref().map(|(_, i)| i.as_str()))
            .bind(&p.name)
            .bind(&p.side)
            .bind(&p.note)
            .execute(&mut *tx)
            .await?;
        }
        let to = super::attachments::Target {
            county: &place.county_code,
            id: &id,
            path: &place.path,
        };
        self.attach_to_incident(&mut tx, actor, to, &input.attachments, now)
            .await?;
        if let Some(o) = &once {
            let taken = match o {
                Once::Key(k) => {
                    sqlx::query(
                        "INSERT INTO incident_idempotency (actor_id, key, county_code, \
                         incident_id, created_at) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (actor_id, key) DO NOTHING",
                    )
                    .bind(&actor.user_id)
                    .bind(*k)
                    .bind(&place.county_code)
                    .bind(&id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        == 1
                }
                Once::Order(claim) => take_order(&mut tx, claim, &view, now).await?,
            };
            if !taken {
                // The same report, sent twice at once: the other one made it; give that back.
                drop(tx);
                return self.incident_once(actor, o).await?.ok_or(StoreError::Busy {
                    retry_after_secs: 1,
                });
            }
        }
        if let Some(x) = extra {
            x.write(&mut tx, &place.county_code, &id, now).await?;
        }
        let event = IncidentEvent::Reported {
            number: number.clone(),
            source: checked.source,
            grade: checked.grade,
            description: checked.description.clone(),
            attachments: input.attachments.clone(),
        };
        let mut summary = json!({
            "event": event,
            "from": null,
            "to": IncidentState::Reported.as_str(),
            "role": actor.role.as_str(),
            "department": facts.department_id,
        });
        if let (Some(x), Some(map)) = (extra, summary.as_object_mut()) {
            map.insert("door".into(), x.summary());
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "incident.reported",
                resource: format!("incident:{id}"),
                scope_path: &place.path,
                summary,
            },
        )
        .await?;
        let subject = super::clock::Subject {
            county: &place.county_code,
            id: &id,
            path: &place.path,
            category: &checked.category,
            grade: checked.grade.as_str(),
            started: None,
            due: None,
            left: None,
            warned: false,
            overdue: false,
            at_top: false,
        };
        let clock =
            super::clock::after_action(&mut tx, &subject, None, None, IncidentState::Reported, now)
                .await?;
        if let Some(clock) = clock {
            clock.set_on(&mut view);
        }
        tx.commit().await?;
        Ok(view)
    }

    /// What a report is checked and placed by, read on one connection: its checked fields, its
    /// place, and the reporter's facts (their department goes in the record).
    async fn report_facts(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        input: &ReportInput,
    ) -> StoreResult<(Checked, Place, CallerFacts)> {
        let checked = self.check_report(conn, actor, input).await?;
        let place = self.place_report_on(conn, actor, input).await?;
        let facts = caller_facts(conn, actor).await?;
        Ok((checked, place, facts))
    }

    /// The incident an earlier report under this key or order made, as the caller sees it.
    async fn incident_once(
        &self,
        actor: &Actor,
        once: &Once<'_>,
    ) -> StoreResult<Option<IncidentView>> {
        let mut conn = self.pool.acquire().await?;
        let found: Option<(String, String)> = match once {
            Once::Key(key) => {
                sqlx::query_as(
                    "SELECT county_code, incident_id FROM incident_idempotency \
                     WHERE actor_id = $1 AND key = $2",
                )
                .bind(&actor.user_id)
                .bind(*key)
                .fetch_optional(&mut *conn)
                .await?
            }
            Once::Order(claim) => incident_of_order(&mut conn, claim).await?,
        };
        let Some((county, id)) = found else {
            return Ok(None);
        };
        let doors = caller_facts(&mut conn, actor).await?.doors(actor);
        incident_in_doors(&mut conn, &doors, &county, &id)
            .await
            .map(Some)
    }

    async fn check_report(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        input: &ReportInput,
    ) -> StoreResult<Checked> {
        let mut faults = Vec::new();
        let mut keep = |r: Result<String, FieldError>| match r {
            Ok(v) => v,
            Err(e) => {
                faults.push(e);
                String::new()
            }
        };
        let title = keep(text("title", &input.title, 2, 100));
        let description = if input.description.trim().is_empty() {
            String::new()
        } else {
            keep(text("description", &input.description, 1, TEXT_MAX))
        };
        let address = if input.address.trim().is_empty() {
            String::new()
        } else {
            keep(text("address", &input.address, 1, 200))
        };
        let category = input.category.trim();
        let rule: Option<(String, i64)> =
            sqlx::query_as("SELECT default_grade, active FROM incident_categories WHERE code = $1")
                .bind(category)
                .fetch_optional(&mut *conn)
                .await?;
        let default_grade = match rule {
            Some((grade, 1)) => Some(grade),
            _ => {
                faults.push(FieldError::new(
                    "category",
                    "unknown_category",
                    format!("没有这个事件分类：{category}"),
                    format!("no such category: {category}"),
                ));
                None
            }
        };
        let grade = match (input.grade.trim(), default_grade) {
            ("", Some(g)) => Grade::parse("grade", &g).ok(),
            ("", None) => None,
            (g, _) => Grade::parse("grade", g).map_err(|e| faults.push(e)).ok(),
        };
        let source = match input.source.trim() {
            "" => Some(default_source(actor.role)),
            s => Source::parse("source", s).map_err(|e| faults.push(e)).ok(),
        };
        match (grade, source) {
            (Some(grade), Some(source)) if faults.is_empty() => Ok(Checked {
                title,
                description,
                category: category.to_owned(),
                grade,
                source,
                address,
            }),
            _ => Err(StoreError::Invalid(gridgov_core::Invalid(faults))),
        }
    }

    /// The grid a report lies in: the one chosen by hand, or the one holding its position, inside
    /// the caller's scope. A position outside every grid of the scope is refused, naming the
    /// nearest grid of the scope and its distance.
    pub(super) async fn place_report(
        &self,
        actor: &Actor,
        input: &ReportInput,
    ) -> StoreResult<Place> {
        self.place_report_on(&mut *self.pool.acquire().await?, actor, input)
            .await
    }

    /// [`Store::place_report`] on the caller's connection.
    async fn place_report_on(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        input: &ReportInput,
    ) -> StoreResult<Place> {
        let position = match (input.lng, input.lat) {
            (Some(lng), Some(lat)) => {
                if !(-180.0..=180.0).contains(&lng) || !(-90.0..=90.0).contains(&lat) {
                    return Err(FieldError::new(
                        "lng",
                        "off_the_globe",
                        "经纬度超出范围",
                        "longitude or latitude out of range",
                    )
                    .into());
                }
                let p = LngLat::new(lng, lat);
                Some(match input.crs.trim() {
                    "" | "wgs84" => p,
                    "gcj02" => gridgov_geo::gcj02::to_wgs84(p),
                    other => {
                        return Err(FieldError::new(
                            "crs",
                            "unknown_crs",
                            format!("坐标系应为 wgs84 或 gcj02，实为 {other}"),
                            format!("crs must be wgs84 or gcj02, not {other}"),
                        )
                        .into());
                    }
                })
            }
            (None, None) => None,
            _ => {
                return Err(FieldError::new(
                    "lat",
                    "half_a_position",
                    "经度和纬度须同时填写",
                    "give both longitude and latitude",
                )
                .into());
            }
        };
        let grid_id = match (input.grid_id.trim(), position) {
            ("", Some(p)) => self.grid_at(actor, p).await?,
            ("", None) => {
                return Err(FieldError::new(
                    "grid_id",
                    "no_place",
                    "请在地图上选点，或选择网格",
                    "pick a point on the map or choose a grid",
                )
                .into());
            }
            (g, _) => g.to_owned(),
        };
        let grid = grid_for_report(conn, actor, &grid_id).await?;
        Ok(Place {
            center_path: parent_path(&grid.path),
            grid_id: Some(grid.id),
            county_code: grid.county_code,
            region_code: grid.region_code,
            path: grid.path,
            lng: position.map(|p| p.lng),
            lat: position.map(|p| p.lat),
        })
    }

    /// The grid inside the caller's scope that holds a point.
    async fn grid_at(&self, actor: &Actor, p: LngLat) -> StoreResult<String> {
        let snap = self.network_snapshot().await?;
        let scope = crate::scope::ScopeRange::of(actor);
        if let Some(g) = snap.locate(p)
            && scope.contains(&g.path)
        {
            return Ok(g.id.clone());
        }
        Err(match snap.nearest(p, |path| scope.contains(path)) {
            Some((near, m)) => {
                let name: String = sqlx::query_scalar("SELECT name FROM grids WHERE id = $1")
                    .bind(&near.id)
                    .fetch_optional(&self.pool)
                    .await?
                    .unwrap_or_default();
                FieldError::new(
                    "lng",
                    "outside_every_grid",
                    format!(
                        "该位置不在您辖区的任何网格内；最近的网格是「{name}」，相距约 {:.0} 米",
                        m
                    ),
                    format!(
                        "the position lies outside every grid of your scope; the nearest is \
                         {name}, about {m:.0} m away"
                    ),
                )
            }
            None => FieldError::new(
                "lng",
                "outside_every_grid",
                "该位置不在您辖区的任何网格内，辖区内也没有已划定边界的网格",
                "the position lies outside every grid of your scope, and no grid of your scope \
                 has a boundary",
            ),
        }
        .into())
    }
}

/// The grid a report is placed in: current and inside the caller's scope, reported on the
/// field like an unknown one otherwise.
async fn grid_for_report(
    conn: &mut AnyConnection,
    actor: &Actor,
    grid_id: &str,
) -> StoreResult<crate::grids::Grid> {
    match destination_grid(conn, actor, grid_id).await {
        Err(StoreError::NotFound) => Err(FieldError::new(
            "grid_id",
            "unknown_grid",
            format!("找不到该网格或不在您的范围内：{grid_id}"),
            format!("no such grid inside your scope: {grid_id}"),
        )
        .into()),
        other => other,
    }
}
