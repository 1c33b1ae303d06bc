//! Population, households and the floating share of a region's child regions (or of a
//! village's grids), with the grid sizing flag, and the masked export of the region.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use gridgov_core::grids::Sizing;
use gridgov_store::records::{AreaCount, CountLevel};
use serde::Deserialize;

use super::grids::{region_or_scope, sizing_flag};
use super::people::need_view;
use super::{Chrome, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Texts;

/// Path depth of a county (`42/4202/420202/`): the coarsest level counts are rolled up to.
const COUNTY_DEPTH: usize = 3;

pub struct CountRow {
    pub href: String,
    pub code: String,
    pub name: String,
    pub population: i64,
    pub floating: i64,
    pub floating_share: String,
    pub houses: i64,
    pub households: i64,
    pub household_target: i64,
    pub sizing_flag: Option<&'static str>,
    /// The band the flag compares with, `300–500`.
    pub band: String,
}

#[derive(Template)]
#[template(path = "population.html")]
pub struct CountsPage {
    pub c: Chrome,
    pub title: String,
    /// The region's code for links and the export, empty for the whole country.
    pub region: String,
    pub total: CountRow,
    pub rows: Vec<CountRow>,
    /// The rows are grids (the region is a village).
    pub grids: bool,
}

#[derive(Deserialize, Default)]
pub struct CountsQuery {
    region: Option<String>,
}

fn depth(path: &str) -> usize {
    path.split('/').filter(|s| !s.is_empty()).count()
}

fn share(a: &AreaCount) -> String {
    format!("{:.1}%", a.floating_share() * 100.0)
}

fn row(t: &Texts, a: &AreaCount) -> CountRow {
    let grid = a.level == CountLevel::Grid;
    let href = match &a.grid_id {
        Some(id) if grid => format!("/grids/{id}/base"),
        _ => format!("/people/counts?region={}", a.code),
    };
    // As the grid list does: counted households once the grid has houses, its target before.
    let sized = if a.houses > 0 {
        a.households
    } else {
        a.household_target
    };
    CountRow {
        href,
        code: a.code.clone(),
        name: a.name.clone(),
        population: a.population,
        floating: a.floating,
        floating_share: share(a),
        houses: a.houses,
        households: a.households,
        household_target: a.household_target,
        band: format!("{}–{}", a.band.min, a.band.max),
        sizing_flag: if grid {
            sizing_flag(t, Sizing::within(sized, (a.band.min, a.band.max)))
        } else {
            None
        },
    }
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<CountsQuery>,
) -> Result<Response, AppError> {
    need_view(&u.actor)?;
    let t = u.lang.texts();
    let region = region_or_scope(&state, &u, q.region.as_deref()).await?;
    let path = region.as_ref().map(|r| r.path.clone());
    let counts = state
        .store
        .population_counts(&u.actor, path.as_deref())
        .await?;
    // One level below the region asked for; counts start at counties.
    let below = (depth(path.as_deref().unwrap_or("")) + 1).max(COUNTY_DEPTH);
    let rows: Vec<CountRow> = counts
        .areas
        .iter()
        .filter(|a| depth(&a.path) == below)
        .map(|a| row(t, a))
        .collect();
    let code = region.as_ref().map(|r| r.code.clone()).unwrap_or_default();
    let here = format!("/people/counts?region={code}");
    Ok(render(&CountsPage {
        c: Chrome::build(&state, &u, "/people", &here).await,
        title: region
            .as_ref()
            .map_or_else(|| t.whole_country.to_owned(), |r| r.name.clone()),
        region: code,
        total: row(t, &counts.total),
        grids: counts
            .areas
            .iter()
            .any(|a| a.level == CountLevel::Grid && depth(&a.path) == below),
        rows,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_path_segments() {
        assert_eq!(depth(""), 0);
        assert_eq!(depth("42/4202/420202/"), 3);
        assert_eq!(depth("42/4202/420202/420202001/420202001001/G01/"), 6);
    }
}
