//! One grid's page: its attributes and regions, a small map of it among its village's grids,
//! its staff, micro-grids and police pairing with their forms, the QR code of its public card,
//! its lineage, and the forms to retire or split it. Forms posted from here come back to this
//! page with their errors (see [`show`]).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use gridgov_core::auth::Permission;
use gridgov_core::grids::Duty;
use gridgov_geo::svg::{self, MapOptions, MapShape};
use gridgov_store::grids::{GridFilter, GridRow, MicroGrid, StaffMember};
use serde::Deserialize;

use super::grid_bulk::FaultRow;
use super::grids::{
    can_manage, kind_label, sizing_flag, staffing_class, staffing_label, unprocessable,
};
use super::qr::{self, Origin};
use super::regions::Crumb;
use super::{Chrome, FormErrors, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;

/// What a failed form posted from the grid page sent, to show it again with its errors.
#[derive(Default)]
pub struct PageErrors {
    pub errors: FormErrors,
    pub reason: String,
    pub staff_username: String,
    pub staff_duty: String,
    pub officer: String,
    /// The micro-grid form was the one posted: its fields `code`, `name` and `buildings` are
    /// names other forms' errors could carry too, so they show only then.
    pub micro_posted: bool,
    pub micro_code: String,
    pub micro_name: String,
    pub micro_buildings: String,
    pub split_geojson: String,
    pub split_file: String,
    pub split_gcj02: bool,
    pub faults: Vec<FaultRow>,
}

pub struct StaffRow {
    pub user_id: String,
    pub username: String,
    pub name: String,
    pub duty: String,
    pub duty_label: &'static str,
    pub phone: String,
    pub since: String,
}

pub struct DutyOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

pub struct LineageRow {
    pub label: &'static str,
    pub id: String,
    pub code: String,
    pub name: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "grid_page.html")]
pub struct GridPage {
    pub c: Chrome,
    pub g: GridRow,
    pub trail: Vec<Crumb>,
    pub village_href: String,
    pub kind: String,
    pub sizing_flag: Option<&'static str>,
    /// The band of the grid's region, `300–500`.
    pub band: String,
    pub staffing: &'static str,
    pub staffing_class: &'static str,
    pub area: Option<String>,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub current: bool,
    pub map: Option<String>,
    pub staff: Vec<StaffRow>,
    pub duties: Vec<DutyOption>,
    pub micro: Vec<MicroGrid>,
    pub lineage: Vec<LineageRow>,
    pub card_href: String,
    /// What the card's QR code holds: the card's address as this browser reaches the site.
    pub card_url: String,
    /// The QR code as inline SVG, for current grids (a retired grid has no public card).
    pub card_qr: Option<String>,
    pub can_manage: bool,
    /// Links to the grid's buildings, residents and other base data.
    pub can_view_base: bool,
    pub can_staff: bool,
    pub can_claim: bool,
    pub can_unpair: bool,
    pub flash: Option<&'static str>,
    pub form: PageErrors,
    /// The faults of a rejected split (a field of its own, as the shared fault table reads it).
    pub faults: Vec<FaultRow>,
}

impl GridPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.form.errors.get(self.c.lang, field)
    }

    /// An error of the micro-grid form's field.
    pub fn micro_err(&self, field: &str) -> Option<String> {
        self.form.micro_posted.then(|| self.err(field)).flatten()
    }

    /// Errors no form field shows (a retired grid, a version conflict …), for the alert on top.
    pub fn other_errors(&self) -> Vec<String> {
        let mut shown = vec!["reason", "username", "duty", "officer", "geojson"];
        if self.form.micro_posted {
            shown.extend(["code", "name", "buildings"]);
        }
        self.form.errors.others(self.c.lang, &shown)
    }
}

#[derive(Deserialize, Default)]
pub struct Flash {
    created: Option<String>,
    saved: Option<String>,
    retired: Option<String>,
    merged: Option<String>,
    split: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    origin: Origin,
    Path(id): Path<String>,
    Query(fl): Query<Flash>,
) -> Result<Response, AppError> {
    let t = u.lang.texts();
    let flash = if fl.created.is_some() {
        Some(t.grid_created)
    } else if fl.retired.is_some() {
        Some(t.grid_retired)
    } else if fl.split.is_some() {
        Some(t.grid_split_done)
    } else if fl.merged.is_some() {
        Some(t.grid_merged_done)
    } else if fl.saved.is_some() {
        Some(t.saved)
    } else {
        None
    };
    let page = build(&state, &u, &origin, &id, PageErrors::default(), flash).await?;
    Ok(render(&page))
}

/// The page again after a failed form, answered 422.
pub async fn show(
    state: &AppState,
    u: &PageUser,
    origin: &Origin,
    id: &str,
    form: PageErrors,
) -> Result<Response, AppError> {
    let page = build(state, u, origin, id, form, None).await?;
    Ok(unprocessable(render(&page)))
}

async fn build(
    state: &AppState,
    u: &PageUser,
    origin: &Origin,
    id: &str,
    mut form: PageErrors,
    flash: Option<&'static str>,
) -> Result<GridPage, AppError> {
    let t = u.lang.texts();
    let g = state.store.grid(&u.actor, id).await?;
    // The village's grids for the map; a user whose scope is narrower than the village sees
    // the grids of that scope only (the store narrows the view, and the list follows it).
    let village_path = g
        .grid
        .path
        .strip_suffix(&format!("{}/", g.grid.code))
        .unwrap_or(&g.grid.path);
    let view = state
        .store
        .network_view(&u.actor, Some(village_path))
        .await?;
    let siblings = GridFilter {
        under_path: Some(view.path().to_owned()),
        limit: 1000,
        ..GridFilter::default()
    };
    let (regions, staff, micro, lineage, siblings) = tokio::try_join!(
        state.store.region_trail(&u.actor, &g.grid.path),
        state.store.grid_staff(&u.actor, id),
        state.store.micro_grids(&u.actor, id),
        state.store.grid_lineage(&u.actor, id),
        state.store.grids(&u.actor, &siblings),
    )?;
    let names: HashMap<&str, &str> = siblings
        .iter()
        .map(|s| (s.grid.id.as_str(), s.grid.name.as_str()))
        .collect();
    let hrefs: HashMap<&str, String> = names
        .keys()
        .map(|id| (*id, format!("/grids/{id}")))
        .collect();
    let shapes: Vec<MapShape> = view
        .iter()
        .filter_map(|s| {
            let name = names.get(s.id.as_str())?;
            let this = s.id == g.grid.id;
            Some(MapShape {
                shape: &s.shape,
                label: name,
                title: name,
                href: if this {
                    None
                } else {
                    hrefs.get(s.id.as_str()).map(String::as_str)
                },
                class: if this { "g-this" } else { "" },
            })
        })
        .collect();
    let map = (!shapes.is_empty()).then(|| {
        svg::render(
            &shapes,
            &MapOptions {
                width: 480,
                height: 320,
                outlines: &[],
                aria_label: &g.region_name,
            },
        )
    });
    let current = g.grid.is_current();
    let card_url = origin.card_url(&g.grid.region_code, &g.grid.code);
    let card_qr = if current { qr::svg(&card_url) } else { None };
    let own_claim = g.grid.police_user_id.as_deref() == Some(u.actor.user_id.as_str());
    let can_claim_perm = u.actor.can(Permission::ClaimGrids);
    let staffing = g.staffing();
    let village_href = format!("/grids?region={}", g.grid.region_code);
    let trail = regions
        .into_iter()
        .map(|r| Crumb {
            href: format!("/grids?region={}", r.code),
            name: r.name,
        })
        .collect();
    let selected_duty = if form.staff_duty.is_empty() {
        Duty::GridWorker.as_str()
    } else {
        form.staff_duty.as_str()
    };
    let duties = Duty::ALL
        .into_iter()
        .map(|d| DutyOption {
            value: d.as_str(),
            label: u.lang.pick(d.zh(), d.en()),
            selected: d.as_str() == selected_duty,
        })
        .collect();
    Ok(GridPage {
        c: Chrome::build(state, u, "/grids", &format!("/grids/{id}")).await,
        trail,
        village_href,
        kind: kind_label(u.lang, &g.grid),
        sizing_flag: sizing_flag(t, g.grid.sizing()),
        band: format!("{}–{}", g.grid.band.min, g.grid.band.max),
        staffing: staffing_label(t, staffing),
        staffing_class: staffing_class(staffing),
        area: g.grid.area_m2.map(area_text),
        valid_from: time::minute(g.grid.valid_from),
        valid_to: g.grid.valid_to.map(time::minute),
        current,
        map,
        staff: staff_rows(u.lang, staff),
        duties,
        micro,
        lineage: lineage_rows(u.lang, &g.grid.id, lineage),
        card_href: format!("/card/{}/{}", g.grid.region_code, g.grid.code),
        card_url,
        card_qr,
        can_manage: current && can_manage(&u.actor),
        can_view_base: u.actor.can(Permission::ViewBaseData),
        can_staff: current && u.actor.can(Permission::ManageGridStaff),
        can_claim: current && can_claim_perm && g.grid.police_user_id.is_none(),
        can_unpair: current
            && g.grid.police_user_id.is_some()
            && (can_manage(&u.actor) || (can_claim_perm && own_claim)),
        flash,
        faults: std::mem::take(&mut form.faults),
        form,
        g,
    })
}

/// 1,234 m² for small grids, 1.23 km² from a square kilometre on.
fn area_text(m2: f64) -> String {
    if m2 >= 1_000_000.0 {
        format!("{:.2} km²", m2 / 1_000_000.0)
    } else {
        format!("{m2:.0} m²")
    }
}

fn staff_rows(lang: Lang, staff: Vec<StaffMember>) -> Vec<StaffRow> {
    staff
        .into_iter()
        .map(|s| {
            let duty = s.duty();
            StaffRow {
                duty_label: duty.map_or("", |d| lang.pick(d.zh(), d.en())),
                user_id: s.user_id,
                username: s.username,
                name: s.display_name,
                duty: s.duty,
                phone: s.phone,
                since: time::minute(s.since),
            }
        })
        .collect()
}

type Lineage = Vec<(
    gridgov_store::grids::GridRef,
    gridgov_store::grids::GridRef,
    String,
    i64,
)>;

/// Each lineage record as seen from this grid: where it came from, or what it became.
fn lineage_rows(lang: Lang, id: &str, records: Lineage) -> Vec<LineageRow> {
    let t = lang.texts();
    records
        .into_iter()
        .map(|(from, to, change, at)| {
            let came_from = to.id == id;
            let label = match (came_from, change.as_str()) {
                (true, "split") => t.split_from,
                (true, _) => t.merged_from,
                (false, "split") => t.split_into,
                (false, _) => t.merged_into,
            };
            let other = if came_from { from } else { to };
            LineageRow {
                label,
                id: other.id,
                code: other.code,
                name: other.name,
                at: time::minute(at),
            }
        })
        .collect()
}
