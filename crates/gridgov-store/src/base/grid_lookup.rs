//! The grids an import may write to: every current grid inside the importer's scope, by the key
//! files use (`420202005001-G01`). A grid outside the scope is reported like a grid that does
//! not exist, so an import cannot probe which grids another district has.

use std::collections::HashMap;
use std::sync::Arc;

use gridgov_core::FieldError;
use gridgov_core::auth::Actor;
use gridgov_core::base_data::GridKey;

use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreResult};

/// What a record needs from its grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GridRef {
    pub id: String,
    pub county_code: String,
    pub path: String,
}

pub(crate) struct GridLookup {
    by_key: HashMap<String, Arc<GridRef>>,
    /// Raw cells seen before, so the millions of rows naming the same few thousand grids parse
    /// each spelling once.
    seen: HashMap<String, Option<Arc<GridRef>>>,
}

impl GridLookup {
    pub(crate) async fn load(store: &Store, actor: &Actor) -> StoreResult<GridLookup> {
        let scope = ScopeRange::of(actor);
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT id, region_code, code, county_code, path FROM grids \
             WHERE valid_to IS NULL AND {}",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&store.pool)
        .await?;
        let by_key = rows
            .into_iter()
            .map(|(id, village, code, county_code, path)| {
                (
                    format!("{village}-{code}"),
                    Arc::new(GridRef {
                        id,
                        county_code,
                        path,
                    }),
                )
            })
            .collect();
        Ok(GridLookup {
            by_key,
            seen: HashMap::new(),
        })
    }

    pub(crate) fn find(&mut self, field: &str, raw: &str) -> Result<Arc<GridRef>, FieldError> {
        let raw = raw.trim();
        let hit = match self.seen.get(raw) {
            Some(hit) => hit.clone(),
            None => {
                let hit = GridKey::parse(field, raw)
                    .ok()
                    .and_then(|k| self.by_key.get(&k.to_string()).cloned());
                self.seen.insert(raw.to_owned(), hit.clone());
                hit
            }
        };
        hit.ok_or_else(|| match GridKey::parse(field, raw) {
            Err(e) => e,
            Ok(_) => FieldError::new(
                field,
                "unknown_grid",
                format!("没有这个网格，或不在您的管辖范围内：{raw}"),
                format!("no such grid, or it is outside your scope: {raw}"),
            ),
        })
    }
}
