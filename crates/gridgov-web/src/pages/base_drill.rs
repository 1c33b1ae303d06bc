//! The walk a grid worker makes through base data: a grid's buildings, organizations, places,
//! cameras and residents (paged) → a building's houses → a house's residents. Every step is
//! scoped by the store: a grid, building or house outside the scope is not found.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use gridgov_store::grids::GridRow;
use gridgov_store::records::{
    BuildingSummary, BuildingView, CameraView, HouseSummary, HouseView, OrganizationView, PlaceView,
};
use serde::Deserialize;

use super::people::{PersonRow, person_row};
use super::{Chrome, base_labels, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

const RESIDENTS_PAGE: i64 = 50;

pub struct OrgRow {
    pub name: String,
    pub kind: String,
    pub credit_code: String,
    pub address: String,
    pub contact: String,
    pub phone: String,
}

pub struct PlaceRow {
    pub name: String,
    pub kind: String,
    pub address: String,
    pub location: String,
}

pub struct CameraRow {
    pub code: String,
    pub name: String,
    pub location: String,
}

fn lng_lat(lng: f64, lat: f64) -> String {
    format!("{lng:.6}, {lat:.6}")
}

#[derive(Template)]
#[template(path = "grid_base.html")]
pub struct GridBasePage {
    pub c: Chrome,
    pub g: GridRow,
    pub buildings: Vec<BuildingSummary>,
    /// The residents' page (named as the shared person table reads it).
    pub rows: Vec<PersonRow>,
    pub page: i64,
    pub has_next: bool,
    pub orgs: Vec<OrgRow>,
    pub places: Vec<PlaceRow>,
    pub cameras: Vec<CameraRow>,
}

#[derive(Deserialize, Default)]
pub struct Paging {
    page: Option<i64>,
}

pub async fn grid(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Query(p): Query<Paging>,
) -> Result<Response, AppError> {
    let page = p.page.unwrap_or(1).clamp(1, 100_000);
    let s = &state.store;
    let (gb, residents, orgs, places, cameras) = tokio::try_join!(
        s.grid_buildings(&u.actor, &id),
        s.grid_residents(
            &u.actor,
            &id,
            RESIDENTS_PAGE + 1,
            (page - 1) * RESIDENTS_PAGE
        ),
        s.grid_organizations(&u.actor, &id),
        s.grid_places(&u.actor, &id),
        s.grid_cameras(&u.actor, &id),
    )?;
    let lang = u.lang;
    let view = GridBasePage {
        c: Chrome::build(&state, &u, "/people", &format!("/grids/{id}/base")).await,
        g: gb.grid,
        buildings: gb.buildings,
        has_next: residents.len() as i64 > RESIDENTS_PAGE,
        rows: residents
            .iter()
            .take(RESIDENTS_PAGE as usize)
            .map(|r| person_row(lang, r))
            .collect(),
        page,
        orgs: orgs.iter().map(|o| org_row(lang, o)).collect(),
        places: places.iter().map(|p| place_row(lang, p)).collect(),
        cameras: cameras.iter().map(camera_row).collect(),
    };
    Ok(render(&view))
}

fn org_row(lang: crate::i18n::Lang, o: &OrganizationView) -> OrgRow {
    OrgRow {
        name: o.name.clone(),
        kind: base_labels::org_kind(lang, &o.kind),
        credit_code: o.credit_code.clone().unwrap_or_default(),
        address: o.address.clone(),
        contact: o.contact.clone(),
        phone: o.phone.clone(),
    }
}

fn place_row(lang: crate::i18n::Lang, p: &PlaceView) -> PlaceRow {
    PlaceRow {
        name: p.name.clone(),
        kind: base_labels::place_kind(lang, &p.kind),
        address: p.address.clone(),
        location: match (p.lng, p.lat) {
            (Some(lng), Some(lat)) => lng_lat(lng, lat),
            _ => String::new(),
        },
    }
}

fn camera_row(c: &CameraView) -> CameraRow {
    CameraRow {
        code: c.code.clone(),
        name: c.name.clone(),
        location: lng_lat(c.lng, c.lat),
    }
}

pub struct HouseListRow {
    pub href: String,
    pub unit: String,
    pub number: String,
    pub house_use: String,
    pub area: String,
    pub residents: i64,
}

#[derive(Template)]
#[template(path = "building.html")]
pub struct BuildingPageView {
    pub c: Chrome,
    pub b: BuildingView,
    pub houses: Vec<HouseListRow>,
}

pub async fn building(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let bp = state.store.building_houses(&u.actor, &county, &id).await?;
    let lang = u.lang;
    let view = BuildingPageView {
        c: Chrome::build(&state, &u, "/people", &format!("/buildings/{county}/{id}")).await,
        houses: bp
            .houses
            .iter()
            .map(|h: &HouseSummary| HouseListRow {
                href: format!("/houses/{}/{}", h.county_code, h.id),
                unit: h.unit.clone(),
                number: h.number.clone(),
                house_use: base_labels::house_use(lang, &h.house_use),
                area: h.area_m2.map(|a| format!("{a} m²")).unwrap_or_default(),
                residents: h.residents,
            })
            .collect(),
        b: bp.building,
    };
    Ok(render(&view))
}

pub struct ResidentRow {
    pub person: PersonRow,
    pub relation: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "house.html")]
pub struct HousePageView {
    pub c: Chrome,
    pub h: HouseView,
    pub house_use: String,
    pub area: String,
    pub residents: Vec<ResidentRow>,
}

pub async fn house(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let hp = state.store.house_residents(&u.actor, &county, &id).await?;
    let lang = u.lang;
    let view = HousePageView {
        c: Chrome::build(&state, &u, "/people", &format!("/houses/{county}/{id}")).await,
        house_use: base_labels::house_use(lang, &hp.house.house_use),
        area: hp
            .house
            .area_m2
            .map(|a| format!("{a} m²"))
            .unwrap_or_default(),
        residents: hp
            .residents
            .iter()
            .map(|r| ResidentRow {
                person: person_row(lang, &r.person),
                relation: r.relation.clone(),
                since: r.since.clone().unwrap_or_default(),
            })
            .collect(),
        h: hp.house,
    };
    Ok(render(&view))
}
