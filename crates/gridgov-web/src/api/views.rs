//! What the API returns: view types kept apart from the store's rows, so the wire format is a
//! choice and never an accident of the schema.

use gridgov_core::regions::gb_form;
use gridgov_store::audit::AuditRecord;
use gridgov_store::regions::{Region, RegionWithCount};
use gridgov_store::users::User;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// One of the role names, e.g. `grid_worker`.
    pub role: String,
    /// Region code of the scope; absent for the whole country.
    pub scope_code: Option<String>,
    pub disabled: bool,
    /// Send it back when updating; a stale one gets 409.
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.as_str().to_owned(),
            scope_code: u.scope_code,
            disabled: u.disabled,
            version: u.version,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RegionView {
    /// Canonical code: 2, 4, 6, 9 or 12 digits by level.
    pub code: String,
    /// Six-digit GB/T 2260 form for provinces and cities.
    pub gb_code: String,
    pub name: String,
    /// 1 province … 5 village/community.
    pub level: i64,
    pub parent_code: Option<String>,
    pub source: String,
}

impl From<Region> for RegionView {
    fn from(r: Region) -> Self {
        RegionView {
            gb_code: gb_form(&r.code),
            code: r.code,
            name: r.name,
            level: r.level,
            parent_code: r.parent_code,
            source: r.source,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RegionChildView {
    pub code: String,
    pub gb_code: String,
    pub name: String,
    pub level: i64,
    pub child_count: i64,
}

impl From<RegionWithCount> for RegionChildView {
    fn from(r: RegionWithCount) -> Self {
        RegionChildView {
            gb_code: gb_form(&r.code),
            code: r.code,
            name: r.name,
            level: r.level,
            child_count: r.child_count,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RegionPage {
    /// Absent at the root (the provinces).
    pub region: Option<RegionView>,
    /// From the caller's scope down to the region.
    pub trail: Vec<RegionView>,
    pub children: Vec<RegionChildView>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditView {
    pub stream: String,
    pub seq: i64,
    pub at: i64,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub resource: String,
    pub summary: serde_json::Value,
    pub hash: String,
}

impl From<AuditRecord> for AuditView {
    fn from(r: AuditRecord) -> Self {
        AuditView {
            summary: serde_json::from_str(&r.summary)
                .unwrap_or(serde_json::Value::String(r.summary)),
            stream: r.stream,
            seq: r.seq,
            at: r.at,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            resource: r.resource,
            hash: r.hash,
        }
    }
}
