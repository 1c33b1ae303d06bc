//! Receiving an order: the bridge's door (its secret opened, its mapping read) for the web
//! layer to check the signature with, and the report of the mapped order as an incident with
//! its external number claimed in the report's own transaction.

use gridgov_core::auth::Actor;
use gridgov_core::bridges::{BridgeKind, MappedOrder, Mapping};
use gridgov_core::scope::ScopePath;
use serde::Serialize;
use sqlx::AnyConnection;

use super::door_id;
use crate::incidents::{IncidentView, ReportInput};
use crate::{Store, StoreError, StoreResult};

/// An active bridge as an inbound request meets it. No user is behind it: the request is
/// trusted by its signature alone, checked with `secret`.
#[derive(Clone)]
pub struct BridgeDoor {
    pub id: String,
    pub kind: BridgeKind,
    pub name: String,
    pub path: String,
    pub secret: String,
    pub mapping: Mapping,
}

impl std::fmt::Debug for BridgeDoor {
    // The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BridgeDoor")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl BridgeDoor {
    /// The actor its orders are reported by: a center operator over the bridge's region.
    pub fn actor(&self) -> Actor {
        Actor::door(
            door_id(&self.id),
            self.name.clone(),
            ScopePath::from_path(self.path.clone()),
        )
    }
}

/// What an order's delivery answers, the same however often it is delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Received {
    pub bridge: String,
    pub order_no: String,
    pub county_code: String,
    pub incident_id: String,
    pub incident_number: String,
}

/// The external number a report claims, with the caller as told (the phone already sealed).
#[derive(Debug, Clone)]
pub(crate) struct OrderClaim {
    pub bridge_id: String,
    pub external_no: String,
    pub caller_name: String,
    pub caller_phone_sealed: String,
}

/// Claims the order's number for the incident being written, in its transaction; false when a
/// delivery of the same order took it first (the caller then answers with that one's incident).
pub(crate) async fn take_order(
    conn: &mut AnyConnection,
    claim: &OrderClaim,
    incident: &IncidentView,
    now: i64,
) -> StoreResult<bool> {
    let n = sqlx::query(
        "INSERT INTO bridge_orders (bridge_id, external_no, county_code, incident_id, \
         incident_number, path, caller_name, caller_phone_sealed, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (bridge_id, external_no) DO NOTHING",
    )
    .bind(&claim.bridge_id)
    .bind(&claim.external_no)
    .bind(&incident.county_code)
    .bind(&incident.id)
    .bind(&incident.number)
    .bind(&incident.path)
    .bind(&claim.caller_name)
    .bind(&claim.caller_phone_sealed)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// The incident an earlier delivery of the order made: county and id.
pub(crate) async fn incident_of_order(
    conn: &mut AnyConnection,
    claim: &OrderClaim,
) -> StoreResult<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT county_code, incident_id FROM bridge_orders \
         WHERE bridge_id = $1 AND external_no = $2",
    )
    .bind(&claim.bridge_id)
    .bind(&claim.external_no)
    .fetch_optional(&mut *conn)
    .await?)
}

#[derive(sqlx::FromRow)]
struct DoorRow {
    id: String,
    kind: String,
    name: String,
    path: String,
    secret_sealed: String,
    mapping: String,
}

impl Store {
    /// The active bridge with this id, or `NotFound` (an unknown and a switched-off bridge
    /// answer alike).
    pub async fn bridge_door(&self, id: &str) -> StoreResult<BridgeDoor> {
        let row = sqlx::query_as::<_, DoorRow>(
            "SELECT id, kind, name, path, secret_sealed, mapping FROM bridges \
             WHERE id = $1 AND active = 1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let stored = |e: String| StoreError::Internal(format!("stored bridge {}: {e}", row.id));
        let kind = BridgeKind::parse("kind", &row.kind).map_err(|e| stored(e.en))?;
        let mapping = Mapping::parse(&row.mapping).map_err(|e| stored(e.en))?;
        let secret = self.protector()?.open_secret(&row.secret_sealed)?;
        Ok(BridgeDoor {
            id: row.id,
            kind,
            name: row.name,
            path: row.path,
            secret,
            mapping,
        })
    }

    /// Reports a mapped order as an incident of the bridge's region, once per external number:
    /// a repeated delivery, or one arriving while the first is still being written, answers
    /// with the incident the first one made and stores nothing.
    pub async fn receive_order(
        &self,
        door: &BridgeDoor,
        order: &MappedOrder,
    ) -> StoreResult<Received> {
        let phone = order.caller_phone.trim();
        let claim = OrderClaim {
            bridge_id: door.id.clone(),
            external_no: order.external_no.clone(),
            caller_name: order.caller_name.chars().take(60).collect(),
            caller_phone_sealed: if phone.is_empty() {
                String::new()
            } else {
                self.protector()?
                    .seal(crate::protect::FieldKind::Phone, phone)?
            },
        };
        let input = ReportInput {
            title: order.title.clone(),
            description: order.description.clone(),
            category: order.category.clone(),
            source: door.kind.source().as_str().to_owned(),
            occurred_at: order.occurred_at,
            lng: order.lng,
            lat: order.lat,
            crs: order.crs.clone(),
            address: order.address.clone(),
            ..ReportInput::default()
        };
        let incident = self.report_order(&door.actor(), &input, &claim).await?;
        Ok(Received {
            bridge: door.id.clone(),
            order_no: order.external_no.clone(),
            county_code: incident.county_code,
            incident_id: incident.id,
            incident_number: incident.number,
        })
    }
}
