//! A region's settings as the desk and the API show them: for each kind the effective value and
//! where it comes from, the region's own value (with its version, for editing), the effective
//! local days with the region that set each, and the effective limits per grade and step.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::deadlines::{Step, TimeLimit};
use gridgov_core::ids::format_ymd;
use gridgov_core::incidents::Grade;
use gridgov_core::settings::{Layers, PhoneShown, SettingKind, SettingValue, Source, to_text};
use gridgov_core::workdays::LocalKind;
use serde::Serialize;
use sqlx::AnyConnection;

use super::layers::layers_for_path;
use crate::records::need;
use crate::regions::Region;
use crate::{Store, StoreError, StoreResult};

/// A region's own value of a kind.
#[derive(Debug, Clone, Serialize)]
pub struct OwnValue {
    pub value: serde_json::Value,
    /// The desk's text form.
    pub text: String,
    /// Send it back when changing or clearing; a stale one is refused.
    pub version: i64,
    pub updated_by: String,
    pub updated_at: i64,
}

/// One kind: what applies to the region and why.
#[derive(Debug, Clone, Serialize)]
pub struct SettingEntry {
    pub kind: SettingKind,
    pub effective: serde_json::Value,
    pub effective_text: String,
    pub source: Source,
    /// Set on this region itself, if it is.
    pub own: Option<OwnValue>,
}

/// A local day in effect, with the region that set it.
#[derive(Debug, Clone, Serialize)]
pub struct LocalDayEntry {
    pub date: String,
    /// `holiday` or `workday`.
    pub kind: &'static str,
    pub name: String,
    pub source: Source,
}

/// The limit of a step for a grade, for matters of any category without a rule of their own.
#[derive(Debug, Clone, Serialize)]
pub struct LimitEntry {
    pub grade: Grade,
    pub step: Step,
    pub limit: TimeLimit,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegionSettings {
    pub region: Region,
    pub settings: Vec<SettingEntry>,
    pub local_days: Vec<LocalDayEntry>,
    pub limits: Vec<LimitEntry>,
}

#[derive(sqlx::FromRow)]
struct OwnRow {
    kind: String,
    value: String,
    version: i64,
    updated_by: String,
    updated_at: i64,
}

/// The region's own values, by kind.
pub(super) async fn own_values(
    conn: &mut AnyConnection,
    code: &str,
) -> StoreResult<Vec<(SettingKind, OwnValue)>> {
    let rows = sqlx::query_as::<_, OwnRow>(
        "SELECT kind, value, version, updated_by, updated_at FROM region_settings \
         WHERE region_code = $1",
    )
    .bind(code)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let bad =
            |e: String| StoreError::Internal(format!("stored setting {code} {}: {e}", r.kind));
        let kind = SettingKind::parse("kind", &r.kind).map_err(|e| bad(e.to_string()))?;
        let value: serde_json::Value =
            serde_json::from_str(&r.value).map_err(|e| bad(e.to_string()))?;
        let typed = SettingValue::parse(kind, &value).map_err(|e| bad(e.to_string()))?;
        out.push((
            kind,
            OwnValue {
                // Secrets (a gateway's auth header, robots' webhooks) are never shown back.
                value: typed.shown().to_json(),
                text: to_text(&typed),
                version: r.version,
                updated_by: r.updated_by,
                updated_at: r.updated_at,
            },
        ));
    }
    Ok(out)
}

/// The effective value of one kind. Time limits show the nearest region's rules (the table of
/// limits per grade and step says what they come to); local days are the union down the tree.
fn effective(
    layers: &Layers,
    kind: SettingKind,
    card_default: PhoneShown,
) -> (SettingValue, Source) {
    match kind {
        SettingKind::LocalDays => {
            let days = layers.local_days();
            let source = days.last().map_or(Source::Default, |_| {
                layers.effective(SettingKind::LocalDays).source
            });
            (
                SettingValue::LocalDays(days.into_iter().map(|(d, _)| d).collect()),
                source,
            )
        }
        SettingKind::CardPhones => {
            let e = layers.card_phones(card_default);
            (SettingValue::CardPhones(e.value), e.source)
        }
        _ => {
            let e = layers.effective(kind);
            (e.value, e.source)
        }
    }
}

impl Store {
    /// A region inside the caller's scope, by code (typed forms accepted); `NotFound` outside.
    pub(super) async fn settings_region(&self, actor: &Actor, code: &str) -> StoreResult<Region> {
        self.resolve_region(actor, "region", code).await
    }

    /// The settings of a region inside the caller's scope. `card_default` is the deployment's
    /// configured phone display, the default where no region sets one.
    pub async fn region_settings(
        &self,
        actor: &Actor,
        code: &str,
        card_default: PhoneShown,
    ) -> StoreResult<RegionSettings> {
        need(actor, Permission::ViewSettings)?;
        let region = self.settings_region(actor, code).await?;
        let mut conn = self.pool.acquire().await?;
        let layers = layers_for_path(&mut conn, &region.path).await?;
        let mut own = own_values(&mut conn, &region.code).await?;
        let settings = SettingKind::ALL
            .iter()
            .map(|&kind| {
                let (value, source) = effective(&layers, kind, card_default);
                SettingEntry {
                    kind,
                    effective: value.shown().to_json(),
                    effective_text: to_text(&value),
                    source,
                    own: own
                        .iter()
                        .position(|(k, _)| *k == kind)
                        .map(|i| own.swap_remove(i).1),
                }
            })
            .collect();
        let local_days = layers
            .local_days()
            .into_iter()
            .map(|(d, source)| LocalDayEntry {
                date: format_ymd(d.date),
                kind: match d.kind {
                    LocalKind::Holiday => "holiday",
                    LocalKind::Workday => "workday",
                },
                name: d.name,
                source,
            })
            .collect();
        let mut limits = Vec::new();
        for &grade in Grade::ALL {
            for &step in Step::ALL {
                // No category: what applies to matters without a category rule of their own.
                let e = layers.limit("", grade, step);
                limits.push(LimitEntry {
                    grade,
                    step,
                    limit: e.value,
                    source: e.source,
                });
            }
        }
        Ok(RegionSettings {
            region,
            settings,
            local_days,
            limits,
        })
    }

    /// The grid card's phone display at a place: the nearest region's setting, or the
    /// deployment's configured one.
    pub(crate) async fn card_phones_at(
        &self,
        path: &str,
        default: PhoneShown,
    ) -> StoreResult<PhoneShown> {
        let mut conn = self.pool.acquire().await?;
        Ok(layers_for_path(&mut conn, path)
            .await?
            .card_phones(default)
            .value)
    }
}
