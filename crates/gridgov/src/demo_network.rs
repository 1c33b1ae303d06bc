//! The demo city's grid network: every county, township and village of Huangshi laid out as
//! nested blocks of one jittered mesh (so boundaries tile without gaps or overlaps at every
//! level), grids cutting each community into strips of about 400 households, and staff and
//! police on the grids of 黄石港区.
//!
//! The layout is invented (the real boundaries are not open data) but everything else is the
//! product's own path: region boundaries and grids go in through the GeoJSON imports with their
//! full checks, staff through the roster and the staff assignment.

use anyhow::{Context, Result, bail};
use geo::{MultiPolygon, Rect, coord};
use gridgov_core::auth::{Actor, Role};
use gridgov_geo::features::Crs;
use gridgov_geo::synth::Mesh;
use gridgov_store::Store;
use gridgov_store::grids::BoundaryImport;
use gridgov_store::regions::RegionWithCount;
use gridgov_store::users_bulk::RosterEntry;
use serde_json::{Map, Value, json};

/// Roughly the extent of Huangshi (WGS84).
const EXTENT: (f64, f64, f64, f64) = (114.55, 29.50, 115.55, 30.35);
const MESH: (usize, usize) = (96, 84);
const SEED: u64 = 4202;
/// Where staff and police are assigned.
const STAFFED_COUNTY: &str = "420202";

/// A township with its villages.
type Town = (RegionWithCount, Vec<RegionWithCount>);

/// A region placed on the mesh: the cells `[c0, c1) × [r0, r1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    c0: usize,
    r0: usize,
    c1: usize,
    r1: usize,
}

impl Block {
    fn width(self) -> usize {
        self.c1 - self.c0
    }
    fn height(self) -> usize {
        self.r1 - self.r0
    }
}

/// Village codes ending 001–199 are urban communities (居委会), 200–399 rural villages (村委会).
fn is_community(code: &str) -> bool {
    code.len() == 12 && code[9..].parse::<u32>().is_ok_and(|n| n < 200)
}

/// A small deterministic hash for the demo's choices (names, targets, phones).
fn pick(parts: &[&str], n: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h = h.rotate_left(17);
    }
    h % n.max(1)
}

/// Cuts a block among items by weight, halving the list each time along the longer side, so
/// every item gets a rectangle and neighbours in code order stay neighbours on the map.
fn slice(items: &[(String, u64)], b: Block, out: &mut Vec<(String, Block)>) -> Result<()> {
    match items {
        [] => return Ok(()),
        [one] => {
            out.push((one.0.clone(), b));
            return Ok(());
        }
        _ => {}
    }
    let total: u64 = items.iter().map(|i| i.1).sum();
    let mut acc = 0;
    let mut cut = 1;
    for (i, it) in items.iter().enumerate().take(items.len() - 1) {
        acc += it.1;
        cut = i + 1;
        if acc * 2 >= total {
            break;
        }
    }
    let left: u64 = items[..cut].iter().map(|i| i.1).sum();
    let share = |len: usize| -> usize {
        let s = ((len as u64 * left + total / 2) / total.max(1)) as usize;
        s.clamp(1, len - 1)
    };
    let (a, z) = if b.width() >= b.height() && b.width() >= 2 {
        let at = b.c0 + share(b.width());
        (Block { c1: at, ..b }, Block { c0: at, ..b })
    } else if b.height() >= 2 {
        let at = b.r0 + share(b.height());
        (Block { r1: at, ..b }, Block { r0: at, ..b })
    } else {
        bail!("the demo mesh is too coarse for {} regions", items.len());
    };
    slice(&items[..cut], a, out)?;
    slice(&items[cut..], z, out)
}

/// Cuts a village's block into `n` strips along its longer side.
fn strips(b: Block, n: usize) -> Vec<Block> {
    let along_cols = b.width() >= b.height();
    let len = if along_cols { b.width() } else { b.height() };
    let n = n.clamp(1, len);
    (0..n)
        .map(|i| {
            let (s, e) = (i * len / n, (i + 1) * len / n);
            if along_cols {
                Block {
                    c0: b.c0 + s,
                    c1: b.c0 + e,
                    ..b
                }
            } else {
                Block {
                    r0: b.r0 + s,
                    r1: b.r0 + e,
                    ..b
                }
            }
        })
        .collect()
}

fn shape(mesh: &Mesh, b: Block) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![mesh.block(b.c0, b.r0, b.c1, b.r1)])
}

fn props(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

pub(crate) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
];
pub(crate) const GIVEN: &[&str] = &[
    "建华", "秀英", "志明", "丽娟", "海燕", "国强", "春梅", "卫东", "小芳", "永红", "明辉", "桂英",
    "晓东", "玉兰", "俊杰", "红梅", "德胜", "文静", "立新", "淑珍", "亚军", "美玲", "长江", "凤霞",
];

pub(crate) fn person_name(key: &str) -> String {
    format!(
        "{}{}",
        SURNAMES[pick(&[key, "s"], SURNAMES.len() as u64) as usize],
        GIVEN[pick(&[key, "g"], GIVEN.len() as u64) as usize]
    )
}

fn phone(key: &str) -> String {
    let prefixes = ["133", "135", "138", "139", "150", "177", "186", "189"];
    format!(
        "{}{:08}",
        prefixes[pick(&[key, "p"], prefixes.len() as u64) as usize],
        pick(&[key, "n"], 100_000_000)
    )
}

/// Builds the network unless the database already has grids. Returns the number of grids made.
pub async fn ensure(store: &Store) -> Result<usize> {
    let sys = Actor::system();
    if store.grid_counts(&sys, None).await?.grids > 0 {
        return Ok(0);
    }
    let city = store.resolve_region(&sys, "region", "4202").await?;
    let children = |code: String| {
        let store = store.clone();
        async move {
            let c = gridgov_core::regions::RegionCode::parse("region", &code)?;
            anyhow::Ok(store.region_children(&Actor::system(), Some(&c)).await?)
        }
    };
    // county → townships → villages, in code order.
    let mut tree: Vec<(RegionWithCount, Vec<Town>)> = Vec::new();
    for county in children(city.code.clone()).await? {
        let mut towns = Vec::new();
        for town in children(county.code.clone()).await? {
            let villages = children(town.code.clone()).await?;
            if !villages.is_empty() {
                towns.push((town, villages));
            }
        }
        tree.push((county, towns));
    }
    let grids_of = |v: &RegionWithCount| -> u64 {
        if is_community(&v.code) {
            2 + pick(&[&v.code, "n"], 4)
        } else {
            1
        }
    };
    // Rural villages are larger than urban communities: more cells for the same one grid.
    let weight = |v: &RegionWithCount| -> u64 {
        if is_community(&v.code) {
            grids_of(v)
        } else {
            4
        }
    };
    let mesh = Mesh::new(
        Rect::new(
            coord! { x: EXTENT.0, y: EXTENT.1 },
            coord! { x: EXTENT.2, y: EXTENT.3 },
        ),
        MESH.0,
        MESH.1,
        3,
        SEED,
    );
    let whole = Block {
        c0: 0,
        r0: 0,
        c1: MESH.0,
        r1: MESH.1,
    };
    let county_items: Vec<(String, u64)> = tree
        .iter()
        .map(|(c, towns)| {
            let w = towns.iter().flat_map(|t| &t.1).map(weight).sum::<u64>();
            (c.code.clone(), w)
        })
        .collect();
    let mut county_blocks = Vec::new();
    slice(&county_items, whole, &mut county_blocks)?;

    let mut region_features: Vec<(Map<String, Value>, MultiPolygon<f64>)> =
        vec![(props(&[("code", json!(city.code))]), shape(&mesh, whole))];
    let mut grid_features: Vec<(Map<String, Value>, MultiPolygon<f64>)> = Vec::new();
    for ((county, towns), (_, cb)) in tree.iter().zip(&county_blocks) {
        region_features.push((props(&[("code", json!(county.code))]), shape(&mesh, *cb)));
        let town_items: Vec<(String, u64)> = towns
            .iter()
            .map(|(t, vs)| (t.code.clone(), vs.iter().map(weight).sum()))
            .collect();
        let mut town_blocks = Vec::new();
        slice(&town_items, *cb, &mut town_blocks)?;
        for ((town, villages), (_, tb)) in towns.iter().zip(&town_blocks) {
            region_features.push((props(&[("code", json!(town.code))]), shape(&mesh, *tb)));
            let items: Vec<(String, u64)> = villages
                .iter()
                .map(|v| (v.code.clone(), weight(v)))
                .collect();
            let mut village_blocks = Vec::new();
            slice(&items, *tb, &mut village_blocks)?;
            for (v, (_, vb)) in villages.iter().zip(&village_blocks) {
                region_features.push((props(&[("code", json!(v.code))]), shape(&mesh, *vb)));
                grid_features.extend(village_grids(&mesh, v, *vb, grids_of(v) as usize));
            }
        }
    }
    let text =
        gridgov_geo::geometry::feature_collection(region_features.iter().map(|(p, s)| (p, s)));
    store
        .import_region_boundaries(
            &sys,
            &BoundaryImport {
                file: "demo-regions",
                text: &text,
                crs: Crs::Wgs84,
                allow_gaps: false,
            },
        )
        .await
        .context("the demo's region boundaries")?;
    let text = gridgov_geo::geometry::feature_collection(grid_features.iter().map(|(p, s)| (p, s)));
    let report = store
        .import_grid_boundaries(
            &sys,
            &BoundaryImport {
                file: "demo-grids",
                text: &text,
                crs: Crs::Wgs84,
                allow_gaps: false,
            },
        )
        .await
        .context("the demo's grids")?;
    staff(store).await.context("the demo's grid staff")?;
    Ok(report.created)
}

/// The grids of one village: strips of its block, named and sized like a real network's.
fn village_grids(
    mesh: &Mesh,
    v: &RegionWithCount,
    b: Block,
    n: usize,
) -> Vec<(Map<String, Value>, MultiPolygon<f64>)> {
    let community = is_community(&v.code);
    let parts = strips(b, n);
    let count = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let (code, name) = if count == 1 {
                (
                    gridgov_store::grids::VILLAGE_GRID_CODE.to_owned(),
                    format!("{}网格", v.name),
                )
            } else {
                (
                    format!("G{:02}", i + 1),
                    format!("{}第{}网格", v.name, i + 1),
                )
            };
            // Mostly inside the 300–500 band; a few outside, as the sizing view should show.
            let households = if community {
                280 + pick(&[&v.code, &code, "h"], 260)
            } else {
                180 + pick(&[&v.code, "h"], 300)
            };
            let mut p = props(&[
                ("region", json!(v.code)),
                ("code", json!(code)),
                ("name", json!(name)),
                ("household_target", json!(households)),
                (
                    "party_branch",
                    json!(format!("{}第{}网格党支部", v.name, i + 1)),
                ),
                (
                    "station_address",
                    json!(format!("{}党群服务中心{}号", v.name, 1 + i)),
                ),
            ]);
            // The last grid of one community in twelve serves a school, hospital or market.
            if community && count > 2 && i == count - 1 && pick(&[&v.code, "k"], 12) == 0 {
                let kinds = ["school", "hospital", "market"];
                p.insert(
                    "kind".into(),
                    json!(kinds[pick(&[&v.code, "kk"], 3) as usize]),
                );
            }
            (p, shape(mesh, part))
        })
        .collect()
}

/// Staff for the grids of one district: a grid leader per community, a grid worker per grid,
/// one police officer per township claiming most of its grids; and the named demo logins on the
/// grids of their own communities.
async fn staff(store: &Store) -> Result<()> {
    use gridgov_store::grids::GridFilter;
    let sys = Actor::system();
    let county = store.resolve_region(&sys, "region", STAFFED_COUNTY).await?;
    let grids = store
        .grids(
            &sys,
            &GridFilter {
                under_path: Some(county.path.clone()),
                limit: 5000,
                ..Default::default()
            },
        )
        .await?;
    let mut roster = Vec::new();
    let mut seen_leaders = std::collections::HashSet::new();
    let mut seen_towns = std::collections::HashSet::new();
    for g in &grids {
        let v = &g.grid.region_code;
        let town = &v[..9];
        if seen_leaders.insert(v.clone()) {
            let key = format!("gl-{v}");
            roster.push(RosterEntry {
                username: key.clone(),
                display_name: person_name(&key),
                role: Role::GridLeader,
                scope: v.clone(),
                phone: phone(&key),
            });
        }
        let key = format!("gw-{v}-{}", g.grid.code.to_ascii_lowercase());
        roster.push(RosterEntry {
            username: key.clone(),
            display_name: person_name(&key),
            role: Role::GridWorker,
            scope: v.clone(),
            phone: phone(&key),
        });
        if seen_towns.insert(town.to_owned()) {
            let key = format!("pol-{town}");
            roster.push(RosterEntry {
                username: key.clone(),
                display_name: person_name(&key),
                role: Role::PoliceOfficer,
                scope: town.to_owned(),
                phone: phone(&key),
            });
        }
    }
    store
        .create_roster(&sys, &roster, crate::demo::DEMO_PASSWORD)
        .await?;
    for (i, g) in grids.iter().enumerate() {
        let v = &g.grid.region_code;
        let id = &g.grid.id;
        store
            .assign_staff(&sys, id, &format!("gl-{v}"), "grid_leader")
            .await?;
        let worker = format!("gw-{v}-{}", g.grid.code.to_ascii_lowercase());
        store.assign_staff(&sys, id, &worker, "grid_worker").await?;
        // One grid in seven is left for its officer to claim: the unpaired view is not empty.
        if i % 7 != 3 {
            store
                .pair_police(&sys, id, Some(&format!("pol-{}", &v[..9])))
                .await?;
        }
    }
    // The named demo logins serve the grids of their own communities.
    for (user, duty) in [
        ("grid-leader", "grid_leader"),
        ("grid-worker", "grid_worker"),
        ("building-head", "building_head"),
        ("grid-admin", "grid_admin"),
        ("inspector", "inspector"),
        ("informant", "informant"),
        ("supervisor", "supervisor"),
    ] {
        let u = store.user_by_username(&sys, user).await?;
        let Some(scope) = u.scope_code.clone() else {
            continue;
        };
        for g in grids.iter().filter(|g| g.grid.region_code == scope) {
            store.assign_staff(&sys, &g.grid.id, user, duty).await?;
        }
        store.set_user_phone(&sys, &u.id, &phone(user)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_tile_the_block_exactly() {
        let items: Vec<(String, u64)> = (0..37).map(|i| (format!("{i}"), 1 + i % 5)).collect();
        let b = Block {
            c0: 0,
            r0: 0,
            c1: 20,
            r1: 15,
        };
        let mut out = Vec::new();
        slice(&items, b, &mut out).unwrap();
        assert_eq!(out.len(), 37);
        let area: usize = out.iter().map(|(_, b)| b.width() * b.height()).sum();
        assert_eq!(area, 300);
        let mut cells = vec![0u8; 300];
        for (_, b) in &out {
            for c in b.c0..b.c1 {
                for r in b.r0..b.r1 {
                    cells[r * 20 + c] += 1;
                }
            }
        }
        assert!(cells.iter().all(|n| *n == 1));
    }

    #[test]
    fn strips_cover_the_village() {
        let b = Block {
            c0: 3,
            r0: 4,
            c1: 8,
            r1: 6,
        };
        let s = strips(b, 3);
        assert_eq!(s.len(), 3);
        assert_eq!(s.iter().map(|x| x.width() * x.height()).sum::<usize>(), 10);
        assert_eq!(strips(b, 9).len(), 5);
    }

    #[test]
    fn communities_and_villages_by_code() {
        assert!(is_community("420202005001"));
        assert!(!is_community("420222100201"));
    }
}
