//! Reading the layers a region's settings resolve from, for the desk and for the incident
//! loop's clocks. These reads are not scoped: they serve a region the caller already reached
//! inside their scope (or an incident read through its doors), and the regions above it are the
//! path's own prefixes, as with the departments that serve an area from above.

use std::collections::HashMap;

use gridgov_core::settings::{Layer, Layers, SettingKind, SettingValue};
use gridgov_core::workdays::Calendar;
use sqlx::AnyConnection;

use crate::{StoreError, StoreResult};

/// The path and every proper prefix of it ending in '/': `42/4202/` gives `42/` and `42/4202/`.
pub(crate) fn prefixes(path: &str) -> Vec<&str> {
    path.char_indices()
        .filter(|(_, c)| *c == '/')
        .map(|(i, _)| &path[..=i])
        .collect()
}

#[derive(sqlx::FromRow)]
struct LayerRow {
    region_code: String,
    region_name: String,
    path: String,
    kind: String,
    value: String,
}

fn layer_of(r: LayerRow) -> StoreResult<Layer> {
    let bad = |e: String| {
        StoreError::Internal(format!("stored setting {} {}: {e}", r.region_code, r.kind))
    };
    let kind = SettingKind::parse("kind", &r.kind).map_err(|e| bad(e.to_string()))?;
    let json: serde_json::Value = serde_json::from_str(&r.value).map_err(|e| bad(e.to_string()))?;
    let value = SettingValue::parse(kind, &json).map_err(|e| bad(e.to_string()))?;
    Ok(Layer {
        region_code: r.region_code,
        region_name: r.region_name,
        path: r.path,
        value,
    })
}

const SELECT: &str = "SELECT s.region_code, COALESCE(r.name, s.region_code) AS region_name, \
     s.path, s.kind, s.value FROM region_settings s LEFT JOIN regions r ON r.code = s.region_code";

/// The values set on the region at `path` (a region's, a grid's or an incident's path) and on
/// every region above it, in one query.
pub(crate) async fn layers_for_path(conn: &mut AnyConnection, path: &str) -> StoreResult<Layers> {
    let p = prefixes(path);
    if p.is_empty() {
        return Ok(Layers::default());
    }
    let sql = format!(
        "{SELECT} WHERE s.path IN ({})",
        crate::db::numbered_params(1, p.len())
    );
    let mut q = sqlx::query_as::<_, LayerRow>(&sql);
    for x in &p {
        q = q.bind(*x);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    Ok(Layers::new(
        rows.into_iter().map(layer_of).collect::<StoreResult<_>>()?,
    ))
}

/// The values of some kinds on every region, read once, to give each of many rows (a work
/// list's page, a recompute's batch) the layers and calendar of its place without a query per
/// row. Layers and calendars are built once per distinct set of regions whose values apply.
pub(crate) struct LayerBook {
    /// Values of the kinds read: (path, value) as layers.
    values: Vec<Layer>,
    built: HashMap<Vec<usize>, Place>,
    official: Place,
}

/// The layers of a place and the calendar they give.
pub(crate) struct Place {
    pub layers: Layers,
    pub calendar: Calendar,
}

impl LayerBook {
    /// Every region's local days: enough for lights.
    pub(crate) async fn calendars(conn: &mut AnyConnection) -> StoreResult<LayerBook> {
        LayerBook::load(conn, &[SettingKind::LocalDays]).await
    }

    /// Every region's local days and time limits: enough for due times.
    pub(crate) async fn clocks(conn: &mut AnyConnection) -> StoreResult<LayerBook> {
        LayerBook::load(conn, &[SettingKind::LocalDays, SettingKind::TimeLimits]).await
    }

    /// Every region's values of every kind: enough for the escalation pass (ladders too).
    pub(crate) async fn all(conn: &mut AnyConnection) -> StoreResult<LayerBook> {
        LayerBook::load(conn, &[]).await
    }

    /// The values of `kinds` (all kinds when empty).
    async fn load(conn: &mut AnyConnection, kinds: &[SettingKind]) -> StoreResult<LayerBook> {
        let sql = if kinds.is_empty() {
            SELECT.to_owned()
        } else {
            format!(
                "{SELECT} WHERE s.kind IN ({})",
                crate::db::numbered_params(1, kinds.len())
            )
        };
        let mut q = sqlx::query_as::<_, LayerRow>(&sql);
        for k in kinds {
            q = q.bind(k.as_str());
        }
        let rows = q.fetch_all(&mut *conn).await?;
        Ok(LayerBook {
            values: rows.into_iter().map(layer_of).collect::<StoreResult<_>>()?,
            built: HashMap::new(),
            official: Place {
                layers: Layers::default(),
                calendar: Calendar::official(),
            },
        })
    }

    /// The layers and calendar of the place at `path`. Days that no longer combine (checked on
    /// every write, so only after a hand edit of the table) fall back to the official calendar.
    pub(crate) fn place(&mut self, path: &str) -> &Place {
        let key: Vec<usize> = self
            .values
            .iter()
            .enumerate()
            .filter(|(_, l)| path.starts_with(l.path.as_str()))
            .map(|(i, _)| i)
            .collect();
        if key.is_empty() {
            return &self.official;
        }
        let values = &self.values;
        self.built.entry(key).or_insert_with_key(|key| {
            let layers = Layers::new(key.iter().map(|&i| values[i].clone()).collect());
            let calendar = crate::incidents::calendar_of(&layers);
            Place { layers, calendar }
        })
    }

    /// The calendar of the place at `path`.
    pub(crate) fn calendar(&mut self, path: &str) -> &Calendar {
        &self.place(path).calendar
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn prefixes_walk_up_the_path() {
        assert_eq!(
            super::prefixes("42/4202/420202/"),
            ["42/", "42/4202/", "42/4202/420202/"]
        );
        assert!(super::prefixes("").is_empty());
    }
}
