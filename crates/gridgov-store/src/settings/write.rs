//! Setting and clearing a region's own value of a kind, inside the caller's scope: one write
//! transaction reads the current value, checks the version the caller read, writes, and records
//! the change on the audit stream `settings:<region code>`.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::ids::format_ymd;
use gridgov_core::notify::NotifyChannels;
use gridgov_core::settings::{PhoneShown, SettingKind, SettingValue};
use serde_json::json;
use sqlx::AnyConnection;

use super::layers::layers_for_path;
use super::read::RegionSettings;
use crate::audit::{self, Change};
use crate::incidents::DUE_RECOMPUTE;
use crate::jobs::NewJob;
use crate::records::need;
use crate::regions::Region;
use crate::{Store, StoreError, StoreResult};

/// A change to one kind: the value (None clears the region's own, so the value from above
/// applies again) and the version of the region's own value the caller read (0: none yet).
#[derive(Debug, Clone)]
pub struct SettingChange {
    pub kind: SettingKind,
    pub value: Option<SettingValue>,
    pub version: i64,
}

/// A local day of the region that a region above it already sets: entered twice.
async fn days_set_above(
    conn: &mut AnyConnection,
    region: &Region,
    value: &SettingValue,
) -> StoreResult<()> {
    let SettingValue::LocalDays(days) = value else {
        return Ok(());
    };
    let parent = region
        .path
        .trim_end_matches('/')
        .rsplit_once('/')
        .map(|(p, _)| format!("{p}/"));
    let Some(parent) = parent else {
        return Ok(());
    };
    let above = layers_for_path(conn, &parent).await?.local_days();
    let mut errors = Vec::new();
    for (i, d) in days.iter().enumerate() {
        if let Some((_, gridgov_core::settings::Source::Region { name, .. })) =
            above.iter().find(|(a, _)| a.date == d.date)
        {
            let shown = format_ymd(d.date);
            errors.push(FieldError::new(
                format!("local_days[{i}].date"),
                "set_above",
                format!("{shown} 已由上级区划 {name} 设置，不必重复录入"),
                format!(
                    "{shown} is already set by {name}, a region above; it need not be entered again"
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(crate::records::invalid(errors))
    }
}

/// A masked secret sent back keeps the one stored (the desk and the API never show it).
fn keep_secrets(
    value: Option<SettingValue>,
    previous: &serde_json::Value,
) -> StoreResult<Option<SettingValue>> {
    let Some(SettingValue::NotifyChannels(mut n)) = value else {
        return Ok(value);
    };
    let before = serde_json::from_value::<NotifyChannels>(previous.clone()).ok();
    n.keep_secrets(before.as_ref())?;
    Ok(Some(SettingValue::NotifyChannels(n)))
}

/// The value before, as the audit trail may keep it: secrets masked.
fn shown_before(kind: SettingKind, previous: &serde_json::Value) -> serde_json::Value {
    match SettingValue::parse(kind, previous) {
        Ok(v) => v.shown().to_json(),
        Err(_) if previous.is_null() => serde_json::Value::Null,
        Err(_) => json!("(unreadable)"),
    }
}

fn stale() -> StoreError {
    StoreError::VersionConflict
}

impl Store {
    /// Sets or clears one kind on a region inside the caller's scope. A value set on a region
    /// outside the scope (or one that does not exist) is `NotFound`; a version other than the
    /// one stored (0 when none is) is `VersionConflict`. Local days that a region above already
    /// sets are refused as entered twice.
    pub async fn change_region_setting(
        &self,
        actor: &Actor,
        code: &str,
        change: &SettingChange,
        card_default: PhoneShown,
    ) -> StoreResult<RegionSettings> {
        need(actor, Permission::ManageSettings)?;
        let region = self.settings_region(actor, code).await?;
        if let Some(v) = &change.value {
            if v.kind() != change.kind {
                return Err(StoreError::Internal(
                    "a setting's value of another kind".into(),
                ));
            }
            v.check()?;
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        if let Some(v) = &change.value {
            days_set_above(&mut tx, &region, v).await?;
        }
        let before: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, value FROM region_settings WHERE region_code = $1 AND kind = $2",
        )
        .bind(&region.code)
        .bind(change.kind.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let (version, previous) = match &before {
            Some((v, value)) => (*v, serde_json::from_str(value).unwrap_or(json!(value))),
            None => (0, serde_json::Value::Null),
        };
        if version != change.version {
            return Err(stale());
        }
        let value = keep_secrets(change.value.clone(), &previous)?;
        let change = &SettingChange {
            kind: change.kind,
            value,
            version: change.version,
        };
        let action = match (&change.value, &before) {
            (Some(v), Some(_)) => {
                sqlx::query(
                    "UPDATE region_settings SET value = $3, version = version + 1, \
                     updated_by = $4, updated_at = $5 \
                     WHERE region_code = $1 AND kind = $2 AND version = $6",
                )
                .bind(&region.code)
                .bind(change.kind.as_str())
                .bind(v.to_json().to_string())
                .bind(&actor.username)
                .bind(now)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                "settings.change"
            }
            (Some(v), None) => {
                let r = sqlx::query(
                    "INSERT INTO region_settings (region_code, kind, path, value, version, \
                     updated_by, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6)",
                )
                .bind(&region.code)
                .bind(change.kind.as_str())
                .bind(&region.path)
                .bind(v.to_json().to_string())
                .bind(&actor.username)
                .bind(now)
                .execute(&mut *tx)
                .await;
                // Two first values at once: the second finds the key taken.
                crate::records::written(r, stale)?;
                "settings.set"
            }
            (None, Some(_)) => {
                sqlx::query(
                    "DELETE FROM region_settings WHERE region_code = $1 AND kind = $2 \
                     AND version = $3",
                )
                .bind(&region.code)
                .bind(change.kind.as_str())
                .bind(version)
                .execute(&mut *tx)
                .await?;
                "settings.clear"
            }
            // Clearing what is not set changes nothing and records nothing.
            (None, None) => {
                drop(tx);
                return self
                    .region_settings(actor, &region.code, card_default)
                    .await;
            }
        };
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action,
                resource: format!("settings:{}", region.code),
                scope_path: &region.path,
                summary: json!({
                    "kind": change.kind.as_str(),
                    "value": change.value.as_ref().map(|v| v.shown().to_json()),
                    "before": shown_before(change.kind, &previous),
                }),
            },
        )
        .await?;
        if matches!(
            change.kind,
            SettingKind::TimeLimits | SettingKind::LocalDays
        ) {
            // The clocks already running below the region follow the new rule: recomputed by a
            // job, enqueued with the change so that neither is kept without the other.
            let job = NewJob {
                scope_path: region.path.clone(),
                created_by: actor.username.clone(),
                ..NewJob::system(DUE_RECOMPUTE, json!({ "path": region.path }))
            };
            crate::jobs::insert_job(&mut tx, &job, now).await?;
        }
        tx.commit().await?;
        self.region_settings(actor, &region.code, card_default)
            .await
    }
}
