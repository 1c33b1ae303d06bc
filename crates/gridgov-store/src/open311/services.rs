//! The services of a city: one service code per public category, seeded from the category
//! tree (codes as the tree's, names as its Chinese names, the top-level class as the group,
//! the English name among the keywords) and edited on the desk. A city with services is a
//! jurisdiction; its id is the city's region code.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::scope::ScopePath;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::fault;
use crate::audit::{self, Change};
use crate::records::need;
use crate::{Store, StoreError, StoreResult};

/// A city that serves Open311.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Jurisdiction {
    pub region_code: String,
    pub name: String,
    pub path: String,
}

/// One service of a city, mapped onto its category.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Service {
    pub service_code: String,
    pub category_code: String,
    pub name: String,
    pub description: String,
    pub group_name: String,
    pub keywords: String,
    pub active: i64,
    pub version: i64,
}

/// A change to a service on the desk; the service code itself may change too.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServiceEdit {
    pub service_code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub group_name: String,
    #[serde(default)]
    pub keywords: String,
    #[serde(default)]
    pub active: bool,
    pub version: i64,
}

const SERVICE_COLUMNS: &str = "s.service_code, s.category_code, s.name, s.description, \
                               s.group_name, s.keywords, s.active, s.version";
/// The same, for `RETURNING`, where SQLite takes no table alias.
const RETURNING: &str =
    "service_code, category_code, name, description, group_name, keywords, active, version";

/// The city `region_code`, which the caller's scope must cover whole (a district's center does
/// not speak for its city). Anything else is not found.
pub(super) async fn city_covered(
    conn: &mut AnyConnection,
    actor: &Actor,
    region_code: &str,
) -> StoreResult<Jurisdiction> {
    let city: Option<Jurisdiction> = sqlx::query_as(
        "SELECT code AS region_code, name, path FROM regions WHERE code = $1 AND level = 2",
    )
    .bind(region_code.trim())
    .fetch_optional(&mut *conn)
    .await?;
    match city {
        Some(c) if actor.scope.covers(&ScopePath::from_path(c.path.clone())) => Ok(c),
        _ => Err(fault(
            "region_code",
            "unknown_city",
            format!("找不到该城市或不在您的范围内：{}", region_code.trim()),
            format!("no such city inside your scope: {}", region_code.trim()),
        )),
    }
}

/// Gives the city a service for every public category in use that it has none for; the
/// number added. Already mapped categories are left as the desk made them.
pub(super) async fn seed_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    city: &Jurisdiction,
    now: i64,
) -> StoreResult<u64> {
    let added = sqlx::query(
        "INSERT INTO open311_services (region_code, service_code, path, category_code, name, \
         description, group_name, keywords, active, version, updated_at) \
         SELECT $1, c.code, $2, c.code, c.name, c.name_en, COALESCE(g.name, c.name), \
         c.name_en, 1, 1, $3 FROM incident_categories c \
         LEFT JOIN incident_categories g ON g.code = substr(c.code, 1, 2) \
         WHERE c.public = 1 AND c.active = 1 \
         ON CONFLICT DO NOTHING",
    )
    .bind(&city.region_code)
    .bind(&city.path)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if added > 0 {
        audit::append(
            conn,
            now,
            actor,
            Change {
                action: "open311.services_seeded",
                resource: format!("open311_services:{}", city.region_code),
                scope_path: &city.path,
                summary: json!({"added": added}),
            },
        )
        .await?;
    }
    Ok(added)
}

fn check_service_code(code: &str) -> StoreResult<()> {
    let ok = !code.is_empty()
        && code.len() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(fault(
            "service_code",
            "bad_service_code",
            "服务代码为 1 到 32 个字母、数字、-、_ 或 .",
            "a service code is 1 to 32 letters, digits, '-', '_' or '.'",
        ))
    }
}

fn check_text(field: &str, v: &str, min: usize, max: usize) -> StoreResult<String> {
    let v = v.trim();
    let n = v.chars().count();
    if n < min || n > max || v.chars().any(char::is_control) {
        return Err(fault(
            field,
            "bad_text",
            format!("应为 {min} 到 {max} 个字符，不含控制字符"),
            format!("{min} to {max} characters without control characters"),
        ));
    }
    Ok(v.to_owned())
}

impl Store {
    /// Seeds the city's services from the public categories (those it lacks); the number added.
    pub async fn seed_open311_services(
        &self,
        actor: &Actor,
        region_code: &str,
    ) -> StoreResult<u64> {
        need(actor, Permission::ManageSettings)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let city = city_covered(&mut tx, actor, region_code).await?;
        let added = seed_in(&mut tx, actor, &city, now).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// The desk's view of a city's mapping: every service, in use or not.
    pub async fn open311_mapping(
        &self,
        actor: &Actor,
        region_code: &str,
    ) -> StoreResult<(Jurisdiction, Vec<Service>)> {
        need(actor, Permission::ManageSettings)?;
        let mut conn = self.pool.acquire().await?;
        let city = city_covered(&mut conn, actor, region_code).await?;
        let services = sqlx::query_as::<_, Service>(&format!(
            "SELECT {SERVICE_COLUMNS} FROM open311_services s WHERE s.region_code = $1 \
             ORDER BY s.category_code"
        ))
        .bind(&city.region_code)
        .fetch_all(&mut *conn)
        .await?;
        Ok((city, services))
    }

    /// Changes one service of a city (its code, name, group, keywords, whether it is offered),
    /// guarded by the version read.
    pub async fn update_open311_service(
        &self,
        actor: &Actor,
        region_code: &str,
        service_code: &str,
        edit: &ServiceEdit,
    ) -> StoreResult<Service> {
        need(actor, Permission::ManageSettings)?;
        let new_code = edit.service_code.trim();
        check_service_code(new_code)?;
        let name = check_text("name", &edit.name, 1, 100)?;
        let description = check_text("description", &edit.description, 0, 500)?;
        let group = check_text("group_name", &edit.group_name, 0, 100)?;
        let keywords = check_text("keywords", &edit.keywords, 0, 300)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let city = city_covered(&mut tx, actor, region_code).await?;
        let taken: Option<String> = sqlx::query_scalar(
            "SELECT service_code FROM open311_services WHERE region_code = $1 \
             AND service_code = $2 AND service_code <> $3",
        )
        .bind(&city.region_code)
        .bind(new_code)
        .bind(service_code)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(fault(
                "service_code",
                "taken",
                format!("本市已有服务代码 {new_code}"),
                format!("the city already has the service code {new_code}"),
            ));
        }
        let changed = sqlx::query_as::<_, Service>(&format!(
            "UPDATE open311_services SET service_code = $3, name = $4, description = $5, \
             group_name = $6, keywords = $7, active = $8, version = version + 1, updated_at = $9 \
             WHERE region_code = $1 AND service_code = $2 AND version = $10 \
             RETURNING {RETURNING}"
        ))
        .bind(&city.region_code)
        .bind(service_code)
        .bind(new_code)
        .bind(&name)
        .bind(&description)
        .bind(&group)
        .bind(&keywords)
        .bind(i64::from(edit.active))
        .bind(now)
        .bind(edit.version)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(service) = changed else {
            let exists: Option<i64> = sqlx::query_scalar(
                "SELECT version FROM open311_services WHERE region_code = $1 AND service_code = $2",
            )
            .bind(&city.region_code)
            .bind(service_code)
            .fetch_optional(&mut *tx)
            .await?;
            return Err(match exists {
                Some(_) => StoreError::VersionConflict,
                None => StoreError::NotFound,
            });
        };
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "open311.service_changed",
                resource: format!("open311_services:{}", city.region_code),
                scope_path: &city.path,
                summary: json!({"was": service_code, "service": service}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(service)
    }

    /// The jurisdiction `id` (a city's region code), if it serves Open311.
    pub async fn open311_jurisdiction(&self, id: &str) -> StoreResult<Option<Jurisdiction>> {
        Ok(sqlx::query_as::<_, Jurisdiction>(
            "SELECT r.code AS region_code, r.name, r.path FROM regions r WHERE r.code = $1 \
             AND r.level = 2 AND EXISTS (SELECT 1 FROM open311_services s \
             WHERE s.region_code = r.code)",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The services a jurisdiction offers the public now: active, on a public category in use.
    pub async fn open311_services(&self, region_code: &str) -> StoreResult<Vec<Service>> {
        Ok(sqlx::query_as::<_, Service>(&format!(
            "SELECT {SERVICE_COLUMNS} FROM open311_services s \
             JOIN incident_categories c ON c.code = s.category_code \
             WHERE s.region_code = $1 AND s.active = 1 AND c.public = 1 AND c.active = 1 \
             ORDER BY s.category_code"
        ))
        .bind(region_code)
        .fetch_all(&self.pool)
        .await?)
    }
}
