//! The grid network in the desk UI: the list of grids under a region with its counts and
//! filters, and what the other grid pages share (the region trail, labels of kinds, sizing and
//! staffing, and how failed forms come back).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::grids::Sizing;
use gridgov_core::regions::{RegionLevel, gb_form};
use gridgov_store::StoreError;
use gridgov_store::grids::{Grid, GridCounts, GridFilter, GridRow, Staffing};
use gridgov_store::regions::Region;
use serde::Deserialize;

use super::regions::Crumb;
use super::{Chrome, FormErrors, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::{Lang, Texts};

/// The region a grid page is about: the one asked for, else the user's own scope; `None` for a
/// whole-country user who asked for none.
pub async fn region_or_scope(
    state: &AppState,
    u: &PageUser,
    asked: Option<&str>,
) -> Result<Option<Region>, AppError> {
    let code = match asked.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => c.to_owned(),
        None => match &u.user.scope_code {
            Some(c) => c.clone(),
            None => return Ok(None),
        },
    };
    Ok(Some(
        state
            .store
            .resolve_region(&u.actor, "region", &code)
            .await?,
    ))
}

/// The regions above the current one, inside the user's scope, each linking to `base` for that
/// region (`/grids` or `/map`). The current region is left out: the page names it in its h1.
pub async fn trail(
    state: &AppState,
    u: &PageUser,
    path: &str,
    current: Option<&str>,
    base: &str,
) -> Result<Vec<Crumb>, AppError> {
    let t = u.lang.texts();
    let mut crumbs = Vec::new();
    // Without a region the page is the whole country itself, named in its h1.
    if path.is_empty() {
        return Ok(crumbs);
    }
    if u.actor.scope.is_root() {
        crumbs.push(Crumb {
            href: base.to_owned(),
            name: t.whole_country.to_owned(),
        });
    }
    for r in state.store.region_trail(&u.actor, path).await? {
        if Some(r.code.as_str()) != current {
            crumbs.push(Crumb {
                href: format!("{base}?region={}", r.code),
                name: r.name,
            });
        }
    }
    Ok(crumbs)
}

pub fn kind_label(lang: Lang, g: &Grid) -> String {
    let k = g.kind();
    match lang {
        Lang::Zh => k.zh(),
        Lang::En => k.en(),
    }
}

/// The flag shown next to households outside the band; `None` inside it.
pub fn sizing_flag(t: &Texts, s: Sizing) -> Option<&'static str> {
    match s {
        Sizing::Low => Some(t.flag_low),
        Sizing::High => Some(t.flag_high),
        Sizing::Ok => None,
    }
}

pub fn staffing_label(t: &Texts, s: Staffing) -> &'static str {
    match s {
        Staffing::None => t.staffing_none,
        Staffing::Partial => t.staffing_partial,
        Staffing::Full => t.staffing_full,
    }
}

/// The pill class of a staffing state (the colours of the staffing map layer).
pub fn staffing_class(s: Staffing) -> &'static str {
    match s {
        Staffing::None => "s-none",
        Staffing::Partial => "s-partial",
        Staffing::Full => "s-full",
    }
}

/// Splits an error into form errors (shown on the form) or a failure (shown as an error page).
pub fn form_errors(e: StoreError) -> Result<FormErrors, AppError> {
    match e {
        StoreError::Invalid(inv) => Ok(FormErrors(inv.0)),
        StoreError::Conflict(f) => Ok(FormErrors(vec![f])),
        other => Err(other.into()),
    }
}

pub fn unprocessable(mut r: Response) -> Response {
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// What a page says when someone else changed the grid between reading and saving.
pub fn version_conflict() -> gridgov_core::FieldError {
    gridgov_core::FieldError::new(
        "version",
        "version_conflict",
        "该网格已被他人修改，以下为最新内容，请重新操作",
        "someone else changed this grid; here is the latest version, try again",
    )
}

pub fn can_manage(a: &Actor) -> bool {
    a.can(Permission::ManageGrids)
}

// ---------------------------------------------------------------------------------------------
// The list.

pub struct GridListRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub village: String,
    pub kind: String,
    pub households: i64,
    pub sizing_flag: Option<&'static str>,
    /// The band of the grid's region, `300–500`.
    pub band: String,
    pub staffing: &'static str,
    pub staffing_class: &'static str,
    pub staff_count: i64,
    pub police: Option<String>,
    pub retired: bool,
    pub checked: bool,
}

pub struct CountStat {
    pub label: &'static str,
    pub value: i64,
}

/// What the merge form held when it failed, to show it again.
#[derive(Default)]
pub struct MergeState {
    pub ids: Vec<String>,
    pub code: String,
    pub name: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "grids_list.html")]
pub struct ListPage {
    pub c: Chrome,
    pub title: String,
    pub trail: Vec<Crumb>,
    /// The region's code for links, empty for the whole country.
    pub region: String,
    pub region_gb: String,
    pub stats: Vec<CountStat>,
    pub rows: Vec<GridListRow>,
    pub q: String,
    pub unpaired: bool,
    pub sizing: String,
    pub retired: bool,
    pub page: i64,
    pub has_next: bool,
    /// The filters as a query string, for the pager.
    pub query: String,
    pub can_manage: bool,
    /// Townships and counties offer "one grid per village".
    pub village_mode: bool,
    /// A village: new grids go under it.
    pub is_village: bool,
    pub merge: MergeState,
    pub flash: Vec<String>,
    pub errors: FormErrors,
}

impl ListPage {
    pub fn merge_err(&self, field: &str) -> Option<String> {
        self.merge.errors.get(self.c.lang, field)
    }

    pub fn merge_others(&self) -> Vec<String> {
        self.merge.errors.others(self.c.lang, &["code", "name"])
    }

    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        self.errors.others(self.c.lang, &["household_target"])
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub region: Option<String>,
    pub q: Option<String>,
    pub unpaired: Option<String>,
    pub sizing: Option<String>,
    pub retired: Option<String>,
    pub page: Option<i64>,
    /// Flash after "one grid per village": grids made and villages skipped.
    pub made: Option<i64>,
    pub skipped: Option<i64>,
}

const PAGE_SIZE: i64 = 50;

pub async fn list(
    State(state): State<AppState>,
    u: PageUser,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = build_list(
        &state,
        &u,
        &lq,
        MergeState::default(),
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page))
}

/// The list page for a query; the merge and village-mode handlers use it to show their errors.
pub async fn build_list(
    state: &AppState,
    u: &PageUser,
    lq: &ListQuery,
    merge: MergeState,
    errors: FormErrors,
) -> Result<ListPage, AppError> {
    let t = u.lang.texts();
    let region = region_or_scope(state, u, lq.region.as_deref()).await?;
    let path = region.as_ref().map(|r| r.path.clone());
    let sizing = match lq.sizing.as_deref() {
        Some("low") => Some(Sizing::Low),
        Some("high") => Some(Sizing::High),
        _ => None,
    };
    let page = lq.page.unwrap_or(1).max(1);
    let q = lq.q.clone().unwrap_or_default();
    let filter = GridFilter {
        under_path: path.clone(),
        unpaired: lq.unpaired.is_some(),
        sizing,
        include_retired: lq.retired.is_some(),
        text: Some(q.clone()),
        limit: PAGE_SIZE + 1,
        offset: (page - 1) * PAGE_SIZE,
    };
    let (mut grids, counts) = tokio::try_join!(
        state.store.grids(&u.actor, &filter),
        state.store.grid_counts(&u.actor, path.as_deref()),
    )?;
    let has_next = grids.len() as i64 > PAGE_SIZE;
    grids.truncate(PAGE_SIZE as usize);
    let code = region.as_ref().map(|r| r.code.clone()).unwrap_or_default();
    let trail = trail(
        state,
        u,
        path.as_deref().unwrap_or(""),
        Some(&code),
        "/grids",
    )
    .await?;
    let rows = grids
        .iter()
        .map(|g| list_row(u.lang, g, merge.ids.contains(&g.grid.id)))
        .collect();
    let mut query = vec![("region", code.clone()), ("q", q.clone())];
    for (key, on) in [
        ("unpaired", lq.unpaired.is_some()),
        ("retired", lq.retired.is_some()),
    ] {
        if on {
            query.push((key, "1".into()));
        }
    }
    if let Some(s) = sizing {
        query.push(("sizing", s.as_str().into()));
    }
    let query = serde_urlencoded::to_string(&query).unwrap_or_default();
    let mut flash = Vec::new();
    if let (Some(made), Some(skipped)) = (lq.made, lq.skipped) {
        flash.push(format!(
            "{} · {} {made} · {} {skipped}",
            t.one_per_village, t.grids_created, t.villages_skipped
        ));
    }
    let level = region.as_ref().map_or(0, |r| r.level);
    Ok(ListPage {
        c: Chrome::build(state, u, "/grids", &format!("/grids?{query}")).await,
        title: region
            .as_ref()
            .map_or_else(|| t.whole_country.to_owned(), |r| r.name.clone()),
        trail,
        region_gb: if code.is_empty() {
            String::new()
        } else {
            gb_form(&code)
        },
        region: code,
        stats: stats(t, &counts),
        rows,
        q,
        unpaired: lq.unpaired.is_some(),
        sizing: sizing.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        retired: lq.retired.is_some(),
        page,
        has_next,
        query,
        can_manage: can_manage(&u.actor),
        village_mode: level == RegionLevel::County.number()
            || level == RegionLevel::Township.number(),
        is_village: level == RegionLevel::Village.number(),
        merge,
        flash,
        errors,
    })
}

fn list_row(lang: Lang, g: &GridRow, checked: bool) -> GridListRow {
    let t = lang.texts();
    let staffing = g.staffing();
    GridListRow {
        id: g.grid.id.clone(),
        code: g.grid.code.clone(),
        name: g.grid.name.clone(),
        village: g.region_name.clone(),
        kind: kind_label(lang, &g.grid),
        households: g.grid.households(),
        sizing_flag: sizing_flag(t, g.grid.sizing()),
        band: format!("{}–{}", g.grid.band.min, g.grid.band.max),
        staffing: staffing_label(t, staffing),
        staffing_class: staffing_class(staffing),
        staff_count: g.staff_count,
        police: g.police_name.clone(),
        retired: !g.grid.is_current(),
        checked,
    }
}

fn stats(t: &Texts, c: &GridCounts) -> Vec<CountStat> {
    [
        (t.count_grids, c.grids),
        (t.count_with_boundary, c.with_boundary),
        (t.count_unpaired, c.unpaired),
        (t.count_unstaffed, c.unstaffed),
        (t.count_below, c.below_band),
        (t.count_above, c.above_band),
        (t.count_households, c.households),
    ]
    .into_iter()
    .map(|(label, value)| CountStat { label, value })
    .collect()
}
