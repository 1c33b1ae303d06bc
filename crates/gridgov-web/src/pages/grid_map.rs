//! The map of a region's grids: every current grid under it drawn by the server as one SVG,
//! coloured by a layer (kind, staffing, police pairing or sizing), each linking to its page.
//!
//! Shapes come from the network snapshot the point locator keeps in memory, attributes from one
//! list query (paged by 5,000, the store's limit), joined by id: no query per grid. Region
//! outlines are not drawn: the store has no public read of region boundaries.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use gridgov_core::auth::Actor;
use gridgov_core::grids::Sizing;
use gridgov_core::regions::RegionCode;
use gridgov_geo::svg::{self, MapOptions, MapShape};
use gridgov_store::grids::{GridFilter, GridRow, SnapshotGrid, Staffing};
use gridgov_store::{Store, StoreError, StoreResult};
use serde::Deserialize;

use super::grids::{region_or_scope, trail};
use super::regions::Crumb;
use super::{Chrome, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Texts;

/// Beyond this many grids the SVG grows past several megabytes: the page asks for a lower
/// region instead.
const MAX_GRIDS: usize = 5_000;

/// Rows per list query when reading a region's grids (the store's largest page).
const ROWS_PER_QUERY: i64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Kind,
    Staffing,
    Pairing,
    Sizing,
}

impl Layer {
    const ALL: [Layer; 4] = [Layer::Kind, Layer::Staffing, Layer::Pairing, Layer::Sizing];

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
        }
    }

    fn label(self, t: &Texts) -> &'static str {
        match self {
            Layer::Kind => t.layer_kind,
            Layer::Staffing => t.layer_staffing,
            Layer::Pairing => t.layer_pairing,
            Layer::Sizing => t.layer_sizing,
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
        }
    }

    /// The position of the grid's class in [`Layer::classes`].
    fn classify(self, g: &GridRow) -> usize {
        match self {
            Layer::Kind => usize::from(g.grid.kind == "special"),
            Layer::Staffing => match g.staffing() {
                Staffing::None => 0,
                Staffing::Partial => 1,
                Staffing::Full => 2,
            },
            Layer::Pairing => usize::from(g.grid.police_user_id.is_none()),
            Layer::Sizing => match g.grid.sizing() {
                Sizing::Low => 0,
                Sizing::Ok => 1,
                Sizing::High => 2,
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

/// Every current grid under a path, in as few queries as the store's page size allows.
async fn grids_under(store: &Store, actor: &Actor, path: &str) -> StoreResult<Vec<GridRow>> {
    let mut out = Vec::new();
    loop {
        let filter = GridFilter {
            under_path: Some(path.to_owned()),
            limit: ROWS_PER_QUERY,
            offset: out.len() as i64,
            ..GridFilter::default()
        };
        let page = store.grids(actor, &filter).await?;
        let done = (page.len() as i64) < ROWS_PER_QUERY;
        out.extend(page);
        if done || out.len() > MAX_GRIDS {
            return Ok(out);
        }
    }
}

/// Every current grid under a region. Grids hang under villages, so a region's grids are those
/// of its child regions: their lists are read at once on several connections, which halves the
/// time of the one long list on a county of 2,000 grids. A village reads its own.
async fn all_grids(
    store: &Store,
    actor: &Actor,
    path: &str,
    children: &[String],
) -> StoreResult<Vec<GridRow>> {
    if children.len() < 2 {
        return grids_under(store, actor, path).await;
    }
    let mut set = tokio::task::JoinSet::new();
    for child in children {
        let (store, actor, child) = (store.clone(), actor.clone(), child.clone());
        set.spawn(async move { grids_under(&store, &actor, &child).await });
    }
    let mut out = Vec::new();
    while let Some(done) = set.join_next().await {
        let rows = done.map_err(|e| StoreError::Internal(format!("grid list task: {e}")))??;
        out.extend(rows);
    }
    Ok(out)
}

/// One grid as drawn: the strings its shape refers to, kept alive for the renderer.
struct Drawn<'a> {
    grid: &'a SnapshotGrid,
    name: &'a str,
    href: String,
    title: String,
    class: &'static str,
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<MapQuery>,
) -> Result<Response, AppError> {
    let t0 = std::time::Instant::now();
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
    let (crumbs, children) =
        tokio::try_join!(trail(&state, &u, &path, Some(&code), "/map"), async {
            state
                .store
                .region_children(&u.actor, parent.as_ref())
                .await
                .map_err(AppError::from)
        },)?;
    let child_paths: Vec<String> = children.iter().map(|r| r.path.clone()).collect();
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
    eprintln!("PROF head {:?}", t0.elapsed());
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
    eprintln!("PROF chrome {:?}", t0.elapsed());
    if region.is_none() {
        return Ok(render(&page));
    }
    let (rows, snapshot) = tokio::try_join!(
        all_grids(&state.store, &u.actor, &path, &child_paths),
        state.store.network_snapshot(),
    )?;
    eprintln!("PROF rows {:?}", t0.elapsed());
    let by_id: HashMap<&str, &GridRow> = rows.iter().map(|r| (r.grid.id.as_str(), r)).collect();
    let classes = layer.classes(t);
    let mut counts = vec![0usize; classes.len()];
    // Grids in the snapshot but not in the rows were retired since it was taken: left out.
    let drawn: Vec<Drawn> = snapshot
        .under(&path)
        .filter(|s| u.actor.scope.contains(&s.path))
        .filter_map(|s| {
            let row = by_id.get(s.id.as_str())?;
            let class = layer.classify(row);
            counts[class] += 1;
            Some(Drawn {
                grid: s,
                name: &row.grid.name,
                href: format!("/grids/{}", s.id),
                title: format!("{} {} · {}", row.grid.code, row.grid.name, row.region_name),
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
    eprintln!("PROF drawn {:?}", t0.elapsed());
    if drawn.len() > MAX_GRIDS {
        page.too_many = true;
    } else if !drawn.is_empty() {
        let shapes: Vec<MapShape> = drawn
            .iter()
            .map(|d| MapShape {
                shape: &d.grid.shape,
                label: d.name,
                title: &d.title,
                href: Some(&d.href),
                class: d.class,
            })
            .collect();
        let aria = format!("{} · {}", page.title, t.grid_map);
        page.svg = Some(svg::render(
            &shapes,
            &MapOptions {
                width: 1000,
                height: 640,
                outlines: &[],
                aria_label: &aria,
            },
        ));
    }
    eprintln!("PROF svg {:?}", t0.elapsed());
    let r = render(&page);
    eprintln!("PROF render {:?}", t0.elapsed());
    Ok(r)
}
