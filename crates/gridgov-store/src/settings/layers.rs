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

/// Every region's local days, read once, to give each of many rows (a work list's page, a
/// recompute's batch) the calendar of its place without a query per row. Calendars are built
/// once per distinct set of regions whose days apply.
pub(crate) struct CalendarBook {
    /// Regions with local days: (path, layer).
    days: Vec<Layer>,
    built: HashMap<Vec<usize>, Calendar>,
    official: Calendar,
}

impl CalendarBook {
    pub(crate) async fn load(conn: &mut AnyConnection) -> StoreResult<CalendarBook> {
        let rows = sqlx::query_as::<_, LayerRow>(&format!("{SELECT} WHERE s.kind = $1"))
            .bind(SettingKind::LocalDays.as_str())
            .fetch_all(&mut *conn)
            .await?;
        Ok(CalendarBook {
            days: rows.into_iter().map(layer_of).collect::<StoreResult<_>>()?,
            built: HashMap::new(),
            official: Calendar::official(),
        })
    }

    /// The calendar of the place at `path`. Days that no longer combine (checked on every
    /// write, so only after a hand edit of the table) fall back to the official calendar.
    pub(crate) fn calendar(&mut self, path: &str) -> &Calendar {
        let key: Vec<usize> = self
            .days
            .iter()
            .enumerate()
            .filter(|(_, l)| path.starts_with(l.path.as_str()))
            .map(|(i, _)| i)
            .collect();
        if key.is_empty() {
            return &self.official;
        }
        let days = &self.days;
        let official = &self.official;
        self.built.entry(key.clone()).or_insert_with(|| {
            Layers::new(key.iter().map(|&i| days[i].clone()).collect())
                .calendar()
                .unwrap_or_else(|_| official.clone())
        })
    }
}

/// Every region's settings, read once, to give each of many incidents (a batch of the
/// escalation pass) the layers and calendar of its place without a query per row. Built once
/// per distinct set of regions whose values apply.
pub(crate) struct LayersBook {
    all: Vec<Layer>,
    built: HashMap<Vec<usize>, (Layers, Calendar)>,
}

impl LayersBook {
    pub(crate) async fn load(conn: &mut AnyConnection) -> StoreResult<LayersBook> {
        let rows = sqlx::query_as::<_, LayerRow>(SELECT)
            .fetch_all(&mut *conn)
            .await?;
        Ok(LayersBook {
            all: rows.into_iter().map(layer_of).collect::<StoreResult<_>>()?,
            built: HashMap::new(),
        })
    }

    /// The layers of the place at `path` and their calendar (the official one when the days no
    /// longer combine, as for the clocks).
    pub(crate) fn at(&mut self, path: &str) -> &(Layers, Calendar) {
        let key: Vec<usize> = self
            .all
            .iter()
            .enumerate()
            .filter(|(_, l)| path.starts_with(l.path.as_str()))
            .map(|(i, _)| i)
            .collect();
        let all = &self.all;
        self.built.entry(key).or_insert_with_key(|key| {
            let layers = Layers::new(key.iter().map(|&i| all[i].clone()).collect());
            let cal = crate::incidents::calendar_of(&layers);
            (layers, cal)
        })
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
