//! The map of a region's grids: every current grid under it drawn by the server as one SVG,
//! coloured by a layer (kind, staffing, police pairing, sizing, or the worst deadline light of
//! its open incidents), each linking to its page.
//!
//! Shapes come from the network snapshot the point locator keeps in memory, attributes from one
//! list query (paged by 5,000, the store's limit), joined by id: no query per grid. Region
//! outlines are not drawn: the store has no public read of region boundaries.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use gridgov_core::deadlines::Light;
use gridgov_core::grids::Sizing;
use gridgov_core::regions::RegionCode;
use gridgov_geo::svg::{self, MapOptions, MapShape};
use gridgov_store::grids::{MapRow, SnapshotGrid, Staffing};
use serde::Deserialize;

use super::grids::{region_or_scope, trail};
use super::regions::Crumb;
use super::{Chrome, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Texts;

/// Beyond this many grids the SVG grows past a couple of megabytes: the page asks for a lower
/// region instead.
const MAX_GRIDS: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Kind,
    Staffing,
    Pairing,
    Sizing,
    Lights,
}

impl Layer {
    const ALL: [Layer; 5] = [
        Layer::Kind,
        Layer::Staffing,
        Layer::Pairing,
        Layer::Sizing,
        Layer::Lights,
    ];

    fn parse(s: Option<&str>) -> Layer {
        Layer::ALL
            .into_iter()
            .find(|l| Some(l.as_str()) == s)
            .unwrap_or(Layer::Kind)
    }

    fn as_str(self) -> &'static str {
        match self {
            Layer::Kind => "kind",
            Layer::Staffing => "staffing",
            Layer::Pairing => "pairing",
            Layer::Sizing => "sizing",
            Layer::Lights => "lights",
        }
    }

    fn label(self, t: &Texts) -> &'static str {
        match self {
            Layer::Kind => t.layer_kind,
            Layer::Staffing => t.layer_staffing,
            Layer::Pairing => t.layer_pairing,
            Layer::Sizing => t.layer_sizing,
            Layer::Lights => t.layer_lights,
        }
    }

    /// The layer's classes (their colours are in app.css) with their legend labels.
    fn classes(self, t: &Texts) -> Vec<(&'static str, &'static str)> {
        match self {
            Layer::Kind => vec![
                ("k-comprehensive", t.kind_comprehensive),
                ("k-special", t.kind_special),
            ],
            Layer::Staffing => vec![
                ("s-none", t.staffing_none),
                ("s-partial", t.staffing_partial),
                ("s-full", t.staffing_full),
            ],
            Layer::Pairing => vec![("p-paired", t.paired), ("p-unpaired", t.unpaired)],
            Layer::Sizing => vec![
                ("h-low", t.sizing_low),
                ("h-ok", t.sizing_ok),
                ("h-high", t.sizing_high),
            ],
            Layer::Lights => vec![
                ("l-none", t.lights_none),
                ("l-paused", t.lights_paused),
                ("l-green", t.lights_green),
                ("l-yellow", t.lights_yellow),
                ("l-red", t.lights_red),
            ],
        }
    }

    /// The position of the grid's class in [`Layer::classes`]; `lights` holds the worst light
    /// of each grid with a running clock (read only for the lights layer).
    fn classify(self, g: &MapRow, lights: &HashMap<String, Light>) -> usize {
        match self {
            Layer::Kind => usize::from(g.kind == "special"),
            Layer::Staffing => match g.staffing() {
                Staffing::None => 0,
                Staffing::Partial => 1,
                Staffing::Full => 2,
            },
            Layer::Pairing => usize::from(g.paired == 0),
            Layer::Sizing => match g.sizing() {
                Sizing::Low => 0,
                Sizing::Ok => 1,
                Sizing::High => 2,
            },
            Layer::Lights => match lights.get(&g.id) {
                None => 0,
                Some(Light::Paused) => 1,
                Some(Light::Green) => 2,
                Some(Light::Yellow) => 3,
                Some(Light::Red) => 4,
            },
        }
    }
}

pub struct LayerLink {
    pub href: String,
    pub label: &'static str,
    pub active: bool,
}

pub struct LegendItem {
    pub class: &'static str,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "grid_map.html")]
pub struct MapPage {
    pub c: Chrome,
    pub title: String,
    pub trail: Vec<Crumb>,
    /// The region's code, empty when none is chosen yet.
    pub region: String,
    pub layers: Vec<LayerLink>,
    pub svg: Option<String>,
    pub legend: Vec<LegendItem>,
    pub drawn: usize,
    pub not_drawn: usize,
    pub too_many: bool,
    pub children: Vec<Crumb>,
}

#[derive(Deserialize, Default)]
pub struct MapQuery {
    region: Option<String>,
    layer: Option<String>,
}

/// One grid as drawn: the strings its shape refers to, kept alive for the renderer.
/// A grid to draw, owned, so that drawing can run off the async threads.
struct Drawn {
    id: String,
    name: String,
    href: String,
    title: String,
    class: &'static str,
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<MapQuery>,
) -> Result<Response, AppError> {
    let t = u.lang.texts();
    let layer = Layer::parse(q.layer.as_deref());
    let region = region_or_scope(&state, &u, q.region.as_deref()).await?;
    let code = region.as_ref().map(|r| r.code.clone()).unwrap_or_default();
    let path = region.as_ref().map(|r| r.path.clone()).unwrap_or_default();
    let parent = match &region {
        Some(r) => Some(RegionCode::parse("region", &r.code)?),
        None => None,
    };
    let here = format!("/map?region={code}&layer={}", layer.as_str());
    let crumbs = trail(&state, &u, &path, Some(&code), "/map").await?;
    let children = state
        .store
        .region_children(&u.actor, parent.as_ref())
        .await?;
    // The child regions' outlines are drawn over the grids, where their boundaries are known.
    let child_codes: Vec<&str> = children.iter().map(|r| r.code.as_str()).collect();
    let outlines = state
        .store
        .region_boundaries(&u.actor, &child_codes)
        .await?;
    let children = children
        .into_iter()
        .map(|r| Crumb {
            href: format!("/map?region={}&layer={}", r.code, layer.as_str()),
            name: r.name,
        })
        .collect();
    let layers = Layer::ALL
        .into_iter()
        .map(|l| LayerLink {
            href: format!("/map?region={code}&layer={}", l.as_str()),
            label: l.label(t),
            active: l == layer,
        })
        .collect();
    let mut page = MapPage {
        c: Chrome::build(&state, &u, "/grids", &here).await,
        title: region
            .as_ref()
            .map_or_else(|| t.whole_country.to_owned(), |r| r.name.clone()),
        trail: crumbs,
        region: code,
        layers,
        svg: None,
        legend: Vec::new(),
        drawn: 0,
        not_drawn: 0,
        too_many: false,
        children,
    };
    // A whole-country user picks a region first: the whole network is too much for one picture.
    if region.is_none() {
        return Ok(render(&page));
    }
    // The shapes are in memory: they say how many grids there are to draw before any list is
    // read, so a region too big for one picture costs nothing more.
    let view = state.store.network_view(&u.actor, Some(&path)).await?;
    let in_view = view.len();
    if in_view > MAX_GRIDS {
        page.too_many = true;
        page.drawn = in_view;
        return Ok(render(&page));
    }
    if in_view == 0 {
        let counts = state.store.grid_counts(&u.actor, Some(&path)).await?;
        page.not_drawn = counts.grids as usize;
        return Ok(render(&page));
    }
    let rows = state.store.grid_map_rows(&u.actor, Some(&path)).await?;
    let by_id: HashMap<&str, &MapRow> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let lights = if layer == Layer::Lights {
        state.store.grid_lights(&u.actor, Some(&path)).await?
    } else {
        HashMap::new()
    };
    let classes = layer.classes(t);
    let mut counts = vec![0usize; classes.len()];
    // Grids in the snapshot but not in the rows were retired since it was taken: left out.
    let drawn: Vec<Drawn> = view
        .iter()
        .filter_map(|s| {
            let row = by_id.get(s.id.as_str())?;
            let class = layer.classify(row, &lights);
            counts[class] += 1;
            Some(Drawn {
                id: s.id.clone(),
                name: row.name.clone(),
                href: format!("/grids/{}", s.id),
                title: format!("{} {} · {}", row.code, row.name, row.region_name),
                class: classes[class].0,
            })
        })
        .collect();
    page.drawn = drawn.len();
    page.not_drawn = rows.iter().filter(|r| r.has_boundary == 0).count();
    page.legend = classes
        .iter()
        .zip(&counts)
        .map(|(&(class, label), &count)| LegendItem {
            class,
            label,
            count,
        })
        .collect();
    if !drawn.is_empty() {
        // Drawing thousands of shapes is CPU work: on a CPU slot, not on the async threads.
        let aria = format!("{} · {}", page.title, t.grid_map);
        page.svg = Some(
            gridgov_store::cpu::run(move |_| {
                let shapes_by_id: HashMap<&str, &SnapshotGrid> =
                    view.iter().map(|s| (s.id.as_str(), s)).collect();
                let shapes: Vec<MapShape> = drawn
                    .iter()
                    .filter_map(|d| {
                        Some(MapShape {
                            shape: &shapes_by_id.get(d.id.as_str())?.shape,
                            label: &d.name,
                            title: &d.title,
                            href: Some(&d.href),
                            class: d.class,
                        })
                    })
                    .collect();
                let outline_refs: Vec<_> = outlines.values().collect();
                svg::render(
                    &shapes,
                    &MapOptions {
                        width: 1000,
                        height: 640,
                        outlines: &outline_refs,
                        aria_label: &aria,
                    },
                )
            })
            .await?,
        );
    }
    Ok(render(&page))
}
