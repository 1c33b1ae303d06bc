//! Configuring bridges from the desk: under `ManageJobs` (the deployment's integrations are
//! its system administrators' work, as its jobs are), inside the caller's scope (by the path of
//! the region a bridge serves). The shared secret is sealed under the data key and never shown
//! again in full; every change is on the bridge's audit stream `bridge:<id>`.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::bridges::{BridgeKind, Mapping};
use serde::Serialize;
use serde_json::json;

use crate::audit::{Change, append};
use crate::records::need;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// A shared secret this short is guessable offline from one signed request.
const SECRET_MIN: usize = 16;

/// A bridge as typed on the desk.
#[derive(Debug, Clone, Default)]
pub struct BridgeInput {
    /// `a-z`, `0-9` and `-`, up to 40: it is part of the inbound address.
    pub id: String,
    /// hotline_12345 or police_110.
    pub kind: String,
    pub name: String,
    /// The city or county it serves.
    pub region_code: String,
    /// Empty on a change: the secret stays as it was.
    pub secret: String,
    /// Where status changes are pushed; empty: none are.
    pub push_url: String,
    /// The field mapping, JSON.
    pub mapping: String,
    pub active: bool,
    /// 0 for a new bridge; the version read for a change.
    pub version: i64,
}

/// A bridge as the desk shows it: the secret masked.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Bridge {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub region_code: String,
    pub path: String,
    #[serde(skip)]
    pub secret_sealed: String,
    pub push_url: String,
    pub mapping: String,
    pub active: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Bridge {
    /// The secret as the desk shows it: its last four characters.
    pub fn secret_masked(&self, store: &Store) -> String {
        let tail: String = store
            .protector()
            .and_then(|p| p.open_secret(&self.secret_sealed))
            .map(|s| {
                let c: Vec<char> = s.chars().collect();
                c[c.len().saturating_sub(4)..].iter().collect()
            })
            .unwrap_or_default();
        format!("••••••••{tail}")
    }
}

const COLUMNS: &str = "id, kind, name, region_code, path, secret_sealed, push_url, mapping, \
                       active, version, created_at, updated_at";

fn field(name: &str, code: &'static str, zh: &str, en: &str) -> StoreError {
    FieldError::new(name, code, zh, en).into()
}

/// The checks that need no database.
fn check(input: &BridgeInput, new: bool) -> StoreResult<(BridgeKind, Mapping)> {
    let mut faults = gridgov_core::error::Checker::new();
    let id_ok = !input.id.is_empty()
        && input.id.len() <= 40
        && input
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        faults.push(FieldError::new(
            "id",
            "bad_bridge_id",
            "标识应为 1–40 个小写字母、数字或连字符",
            "the id is 1–40 lowercase letters, digits or hyphens",
        ));
    }
    let kind = faults.check(BridgeKind::parse("kind", &input.kind));
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        faults.push(FieldError::new(
            "name",
            "required",
            "请填写名称（最多 60 个字）",
            "give a name (at most 60 characters)",
        ));
    }
    if (new || !input.secret.is_empty()) && input.secret.chars().count() < SECRET_MIN {
        faults.push(FieldError::new(
            "secret",
            "secret_too_short",
            format!("共享密钥至少 {SECRET_MIN} 个字符"),
            format!("the shared secret has at least {SECRET_MIN} characters"),
        ));
    }
    let url = input.push_url.trim();
    if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
        faults.push(FieldError::new(
            "push_url",
            "bad_url",
            "回传地址应以 http:// 或 https:// 开头",
            "the push address starts with http:// or https://",
        ));
    }
    let mapping = faults.check(Mapping::parse(&input.mapping));
    faults.finish()?;
    match (kind, mapping) {
        (Some(k), Some(m)) => Ok((k, m)),
        _ => Err(StoreError::Internal("bridge checks".into())),
    }
}

/// The version of a bridge inside the scope, if there is one.
async fn version_in_scope(
    conn: &mut sqlx::AnyConnection,
    scope: &ScopeRange,
    id: &str,
) -> StoreResult<Option<i64>> {
    let found: Option<(i64,)> = sqlx::query_as(&format!(
        "SELECT version FROM bridges WHERE id = $1 AND {}",
        scope.sql("path", 2)
    ))
    .bind(id)
    .bind_scope(scope)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.map(|(v,)| v))
}

impl Store {
    /// The bridges of the caller's scope, by id.
    pub async fn bridges(&self, actor: &Actor) -> StoreResult<Vec<Bridge>> {
        need(actor, Permission::ManageJobs)?;
        let scope = ScopeRange::of(actor);
        Ok(sqlx::query_as::<_, Bridge>(&format!(
            "SELECT {COLUMNS} FROM bridges WHERE {} ORDER BY id",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One bridge of the caller's scope.
    pub async fn bridge(&self, actor: &Actor, id: &str) -> StoreResult<Bridge> {
        need(actor, Permission::ManageJobs)?;
        let scope = ScopeRange::of(actor);
        sqlx::query_as::<_, Bridge>(&format!(
            "SELECT {COLUMNS} FROM bridges WHERE id = $1 AND {}",
            scope.sql("path", 2)
        ))
        .bind(id)
        .bind_scope(&scope)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Creates a bridge (`version` 0) or changes one at the version read.
    pub async fn save_bridge(&self, actor: &Actor, input: &BridgeInput) -> StoreResult<Bridge> {
        need(actor, Permission::ManageJobs)?;
        let new = input.version == 0;
        let (kind, mapping) = check(input, new)?;
        let sealed = if input.secret.is_empty() {
            None
        } else {
            Some(self.protector()?.seal_secret(&input.secret)?)
        };
        let now = self.now_ms();
        let scope = ScopeRange::of(actor);
        let mut tx = self.begin_write().await?;
        // A bridge outside the scope is not there, whatever the form says.
        if !new
            && version_in_scope(&mut tx, &scope, &input.id)
                .await?
                .is_none()
        {
            return Err(StoreError::NotFound);
        }
        let region: Option<(String, i64)> =
            sqlx::query_as("SELECT path, level FROM regions WHERE code = $1")
                .bind(input.region_code.trim())
                .fetch_optional(&mut *tx)
                .await?;
        let path = match region {
            Some((path, level)) if actor.scope.contains(&path) && (2..=3).contains(&level) => path,
            _ => {
                return Err(field(
                    "region_code",
                    "not_city_or_county",
                    "应为您范围内的市或县（区）",
                    "a city or county inside your scope",
                ));
            }
        };
        let mapping_text = serde_json::to_string(&mapping)
            .map_err(|e| StoreError::Internal(format!("mapping: {e}")))?;
        let written: Option<Bridge> = if new {
            sqlx::query_as::<_, Bridge>(&format!(
                "INSERT INTO bridges ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, \
                 $10, $10) ON CONFLICT (id) DO NOTHING RETURNING {COLUMNS}"
            ))
            .bind(&input.id)
            .bind(kind.as_str())
            .bind(input.name.trim())
            .bind(input.region_code.trim())
            .bind(&path)
            .bind(sealed.as_deref().unwrap_or_default())
            .bind(input.push_url.trim())
            .bind(&mapping_text)
            .bind(i64::from(input.active))
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?
        } else {
            sqlx::query_as::<_, Bridge>(&format!(
                "UPDATE bridges SET kind = $2, name = $3, region_code = $4, path = $5, \
                 secret_sealed = COALESCE($6, secret_sealed), push_url = $7, mapping = $8, \
                 active = $9, version = version + 1, updated_at = $10 \
                 WHERE id = $1 AND version = $11 AND {} RETURNING {COLUMNS}",
                scope.sql("path", 12)
            ))
            .bind(&input.id)
            .bind(kind.as_str())
            .bind(input.name.trim())
            .bind(input.region_code.trim())
            .bind(&path)
            .bind(sealed.as_deref())
            .bind(input.push_url.trim())
            .bind(&mapping_text)
            .bind(i64::from(input.active))
            .bind(now)
            .bind(input.version)
            .bind_scope(&scope)
            .fetch_optional(&mut *tx)
            .await?
        };
        let Some(bridge) = written else {
            if new {
                return Err(StoreError::Conflict(FieldError::new(
                    "id",
                    "taken",
                    "该标识已被使用",
                    "this id is taken",
                )));
            }
            // Gone from the scope, or changed meanwhile.
            return Err(match version_in_scope(&mut tx, &scope, &input.id).await? {
                Some(_) => StoreError::VersionConflict,
                None => StoreError::NotFound,
            });
        };
        append(
            &mut tx,
            now,
            actor,
            Change {
                action: if new {
                    "bridge.create"
                } else {
                    "bridge.update"
                },
                resource: format!("bridge:{}", bridge.id),
                scope_path: &bridge.path,
                // The secret stays out of the trail; that it changed does not.
                summary: json!({
                    "kind": bridge.kind,
                    "name": bridge.name,
                    "region_code": bridge.region_code,
                    "push_url": bridge.push_url,
                    "mapping": mapping,
                    "active": bridge.active == 1,
                    "secret_changed": sealed.is_some(),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(bridge)
    }
}
