//! The household band of grids per region (a `household_band` setting applies to its region
//! and everything below it; the nearest wins; `grids::HOUSEHOLD_BAND` stands behind). Grid rows
//! get their band after they are read, from one read of every region's band; filters and
//! counts that compare households with the band in SQL use it as a `CASE` over those regions.

use gridgov_core::scope::ScopePath;
use gridgov_core::settings::{HouseholdBand, SettingKind};
use sqlx::AnyConnection;

use crate::scope::ScopeRange;
use crate::{StoreError, StoreResult};

/// Every region's own band, nearest (deepest path) first.
pub(crate) struct Bands(Vec<(String, HouseholdBand)>);

impl Bands {
    pub(crate) async fn load(conn: &mut AnyConnection) -> StoreResult<Bands> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT path, value FROM region_settings WHERE kind = $1")
                .bind(SettingKind::HouseholdBand.as_str())
                .fetch_all(&mut *conn)
                .await?;
        let mut bands = rows
            .into_iter()
            .map(|(path, value)| {
                serde_json::from_str::<HouseholdBand>(&value)
                    .map(|b| (path.clone(), b))
                    .map_err(|e| StoreError::Internal(format!("stored band of {path}: {e}")))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        bands.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        Ok(Bands(bands))
    }

    /// The band of the place at `path`.
    pub(crate) fn of(&self, path: &str) -> HouseholdBand {
        self.0
            .iter()
            .find(|(p, _)| path.starts_with(p.as_str()))
            .map(|(_, b)| *b)
            .unwrap_or_default()
    }

    /// The band's lower (`min`) or upper bound of the row whose path is `column`, as SQL: the
    /// nearest region's value first. Values are numbers and paths are written in with quotes
    /// doubled (`ScopeRange::sql_literal`), so the text can go into any statement.
    pub(crate) fn sql(&self, column: &str, min: bool) -> String {
        let default = HouseholdBand::default();
        let pick = |b: &HouseholdBand| if min { b.min } else { b.max };
        if self.0.is_empty() {
            return pick(&default).to_string();
        }
        let mut s = String::from("(CASE");
        for (path, band) in &self.0 {
            let range = ScopeRange::of_path(&ScopePath::from_path(path));
            s.push_str(&format!(
                " WHEN {} THEN {}",
                range.sql_literal(column),
                pick(band)
            ));
        }
        s.push_str(&format!(" ELSE {} END)", pick(&default)));
        s
    }
}
