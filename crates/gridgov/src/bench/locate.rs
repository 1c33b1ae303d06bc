//! `gridgov bench locate`: point → grid in gridgov's in-memory index, beside PostGIS on the same
//! polygons and points.
//!
//! The grids are a made-up city (a jittered mesh over the Huangshi area, ~24 vertices a grid);
//! the points are random over a slightly larger box, so some fall outside every grid. gridgov is
//! timed over every point on one thread. PostGIS gets the same polygons and points in a fresh
//! database, with GiST indexes and statistics, and is timed two ways: one prepared query per
//! point on one connection (what an application does when a report comes in), and the whole
//! set in one query, in each of the usual join forms and once more with the points table
//! clustered on its index, of which the fastest counts. Every answer PostGIS gives is compared
//! with gridgov's; one that differs fails the bench.

use std::fmt::Write as _;
use std::str::FromStr;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use geo::{Coord, MultiPolygon, Rect};
use gridgov_geo::LngLat;
use gridgov_geo::index::GridIndex;
use gridgov_geo::synth::Mesh;
use rand::{Rng, SeedableRng};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use super::stats::median;
use super::temp_db::TempDb;
use crate::cli::LocateArgs;

/// The targets.
const TARGET_RATE: f64 = 1_000_000.0;
const TARGET_VS_PER_POINT: f64 = 100.0;
const TARGET_VS_BATCH: f64 = 3.0;

/// Around Huangshi: the city proper and the country around it.
const CITY: (Coord<f64>, Coord<f64>) = (Coord { x: 114.8, y: 29.9 }, Coord { x: 115.3, y: 30.3 });

/// How far the points' box reaches past the city on each side, as a share of its size.
const MARGIN: f64 = 0.05;

/// Timed passes of gridgov over all points; the median is reported.
const PASSES: usize = 3;

/// The per-point query; `min` keeps the smallest id should two grids ever hold a point, the
/// rule `GridIndex` follows, and gives NULL for a point outside every grid.
const PER_POINT: &str = "SELECT min(id) FROM grids \
                         WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))";

/// A whole-set query, returning (point, grid) pairs; points missing from the answer, or with a
/// NULL grid, are outside every grid.
struct BatchForm {
    name: &'static str,
    sql: &'static str,
    /// The index the form is about; the plan is checked for it.
    index: &'static str,
    /// Run after the points table is rewritten in the order of its GiST index.
    clustered: bool,
}

/// Polygons outer: each polygon drives an index scan of the points. OFFSET 0 keeps the
/// subquery from being flattened into a plain join (and PostGIS prepares each polygon once).
const POLYGONS_OUTER: &str = "SELECT q.point, g.id AS grid FROM grids g CROSS JOIN LATERAL \
     (SELECT p.id AS point FROM points p WHERE ST_Contains(g.geom, p.geom) OFFSET 0) q";

const BATCH_FORMS: [BatchForm; 4] = [
    BatchForm {
        name: "lateral join, polygons outer, GiST on points",
        sql: POLYGONS_OUTER,
        index: "points_geom_idx",
        clustered: false,
    },
    BatchForm {
        name: "lateral join, points outer, GiST on polygons",
        sql: "SELECT p.id AS point, q.grid FROM points p CROSS JOIN LATERAL \
              (SELECT min(g.id) AS grid FROM grids g WHERE ST_Contains(g.geom, p.geom)) q",
        index: "grids_geom_idx",
        clustered: false,
    },
    BatchForm {
        name: "plain join, the planner's choice",
        sql: "SELECT p.id AS point, g.id AS grid FROM points p JOIN grids g \
              ON ST_Contains(g.geom, p.geom)",
        index: "_geom_idx",
        clustered: false,
    },
    // The first form again once the points lie on disk in the order of their index: each
    // polygon's points then share a few pages instead of one page each. gridgov is timed over
    // the points in that same order for this form's ratio.
    BatchForm {
        name: "the first, points table CLUSTERed on its GiST index",
        sql: POLYGONS_OUTER,
        index: "points_geom_idx",
        clustered: true,
    },
];

/// A batch form that takes longer than this is timed once, not twice: it is far from the
/// fastest and a second run would only lengthen the bench.
const SLOW_SECS: f64 = 10.0;

pub async fn run(args: &LocateArgs) -> Result<()> {
    println!("machine: {}", super::machine());

    let started = Instant::now();
    let (mesh, grids) = city(args.grids, args.segments, args.seed);
    let mesh_secs = started.elapsed().as_secs_f64();
    let vertices: usize = grids.iter().map(|(_, s)| vertex_count(s)).sum();
    let points = random_points(args.points, args.seed);
    println!(
        "grids: {} (a {} × {} jittered mesh over lng {}–{}, lat {}–{}; {:.1} vertices a grid on \
         average; made in {:.2} s)",
        grids.len(),
        mesh.cols(),
        mesh.rows(),
        CITY.0.x,
        CITY.1.x,
        CITY.0.y,
        CITY.1.y,
        vertices as f64 / grids.len().max(1) as f64,
        mesh_secs
    );

    // gridgov.
    let started = Instant::now();
    let index = GridIndex::build(grids.clone());
    let build_secs = started.elapsed().as_secs_f64();
    let (ours, rates) = time_gridgov(&index, &points);
    let inside = ours.iter().filter(|g| g.is_some()).count();
    println!(
        "points: {} random (seed {}) over the city's box widened by {:.0} % each side: {} in a \
         grid, {} outside",
        points.len(),
        args.seed,
        MARGIN * 100.0,
        inside,
        points.len() - inside
    );
    let ours_rate = median(&rates).unwrap_or(0.0);
    println!();
    println!(
        "gridgov GridIndex::locate, one thread: {} lookups/s (median of {PASSES} passes over all \
         points in random order: {}); index built in {:.1} ms",
        thousands(ours_rate),
        list(&rates),
        build_secs * 1000.0
    );

    // PostGIS, in a database of its own that is dropped however this ends.
    let db = TempDb::postgres(&args.pg_url, "locate")?;
    let TempDb::Postgres { url, .. } = &db else {
        bail!("expected a PostgreSQL database");
    };
    let theirs = postgis(url, &grids, &points, args.sample, &ours, &index).await;
    drop(db);
    let theirs = theirs?;

    let ours_clustered = median(&theirs.ours_clustered).unwrap_or(0.0);
    let ours_for = |form: &BatchForm| {
        if form.clustered {
            ours_clustered
        } else {
            ours_rate
        }
    };
    println!();
    println!(
        "{:<56} {:>8} {:>7} {:>10} {:>9}",
        "PostGIS", "points", "seconds", "points/s", "gridgov ×"
    );
    let row = |name: &str, m: &Measured, ours: f64| {
        println!(
            "{:<56} {:>8} {:>7.2} {:>10} {:>8.1}×",
            name,
            m.points,
            m.secs,
            thousands(m.rate()),
            ours / m.rate()
        );
    };
    row(
        "prepared query per point, one connection",
        &theirs.per_point,
        ours_rate,
    );
    for (form, b) in BATCH_FORMS.iter().zip(&theirs.batch) {
        row(form.name, &b.measured, ours_for(form));
    }
    println!(
        "(batch forms: the server counts the join's rows, none are sent; best of 2 runs, 1 for \
         a form over {SLOW_SECS} s)"
    );
    if let Some(secs) = theirs.cluster_secs {
        println!(
            "(CLUSTER points USING points_geom_idx took {secs:.1} s, not counted; gridgov over \
             the points in that order: {} lookups/s, median of {}, used for that form's ratio)",
            thousands(ours_clustered),
            list(&theirs.ours_clustered)
        );
    }
    println!("plans:");
    for (form, b) in BATCH_FORMS.iter().zip(&theirs.batch) {
        println!("  {}: {}", form.name, b.plan);
    }

    println!();
    let verdict = |ok: bool| if ok { "PASS" } else { "MISS" };
    println!(
        "target: ≥ {} lookups/s on one core: {} lookups/s — {}",
        thousands(TARGET_RATE),
        thousands(ours_rate),
        verdict(ours_rate >= TARGET_RATE)
    );
    let vs_point = ours_rate / theirs.per_point.rate();
    println!(
        "target: ≥ {TARGET_VS_PER_POINT}× PostGIS's prepared query per point: {vs_point:.0}× — {}",
        verdict(vs_point >= TARGET_VS_PER_POINT)
    );
    // Against the fastest batch form, each beside gridgov on the points in the same order: the
    // lowest ratio is the one that must reach the target.
    let (hardest, vs_batch) = BATCH_FORMS
        .iter()
        .zip(&theirs.batch)
        .map(|(form, b)| (form, ours_for(form) / b.measured.rate()))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .context("no batch form measured")?;
    println!(
        "target: ≥ {TARGET_VS_BATCH}× PostGIS's fastest batch form ({}): {vs_batch:.1}× — {}",
        hardest.name,
        verdict(vs_batch >= TARGET_VS_BATCH)
    );
    println!(
        "agreement with gridgov, point for point: prepared {}/{}; batch forms {}",
        theirs.per_point.points - theirs.per_point.differ.len(),
        theirs.per_point.points,
        theirs
            .batch
            .iter()
            .map(|b| format!(
                "{}/{}",
                b.measured.points - b.measured.differ.len(),
                b.measured.points
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let mut wrong = 0;
    for (name, m) in std::iter::once("prepared query per point")
        .chain(BATCH_FORMS.iter().map(|f| f.name))
        .zip(std::iter::once(&theirs.per_point).chain(theirs.batch.iter().map(|b| &b.measured)))
    {
        if m.differ.is_empty() {
            continue;
        }
        wrong += m.differ.len();
        println!(
            "{name}: {} points answered differently, e.g.",
            m.differ.len()
        );
        for &(i, pg) in m.differ.iter().take(5) {
            let p = points[i];
            println!(
                "  point {i} ({}, {}): gridgov {:?}, PostGIS {:?}",
                p.lng, p.lat, ours[i], pg
            );
        }
    }
    if wrong > 0 {
        bail!("PostGIS and gridgov disagree on {wrong} answers");
    }
    Ok(())
}

/// gridgov's answers for the points, in their order, and its rate in each of [`PASSES`] passes.
fn time_gridgov(index: &GridIndex, points: &[LngLat]) -> (Vec<Option<u32>>, Vec<f64>) {
    let mut answers = vec![None; points.len()];
    let mut rates = Vec::with_capacity(PASSES);
    for _ in 0..PASSES {
        let started = Instant::now();
        for (slot, p) in answers.iter_mut().zip(points) {
            *slot = index.locate(*p);
        }
        let secs = started.elapsed().as_secs_f64();
        rates.push(std::hint::black_box(&answers).len() as f64 / secs);
    }
    (answers, rates)
}

fn list(rates: &[f64]) -> String {
    rates
        .iter()
        .map(|r| thousands(*r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The made-up city: `n` grids, the first `n` cells of a mesh about as many cells across as
/// the city's box is wide against its height on the ground, numbered from 1 row by row.
fn city(n: usize, segments: usize, seed: u64) -> (Mesh, Vec<(u32, MultiPolygon<f64>)>) {
    let bbox = Rect::new(CITY.0, CITY.1);
    let mid_lat = (CITY.0.y + CITY.1.y) / 2.0;
    let aspect = bbox.width() * mid_lat.to_radians().cos() / bbox.height();
    let cols = ((n as f64 * aspect).sqrt().round() as usize).max(1);
    let rows = n.div_ceil(cols).max(1);
    let mesh = Mesh::new(bbox, cols, rows, segments, seed);
    let grids = (0..n)
        .map(|i| {
            let shape = MultiPolygon::new(vec![mesh.cell(i % cols, i / cols)]);
            (i as u32 + 1, shape)
        })
        .collect();
    (mesh, grids)
}

fn vertex_count(shape: &MultiPolygon<f64>) -> usize {
    // Rings are closed: the last coordinate repeats the first.
    shape
        .iter()
        .map(|p| p.exterior().0.len().saturating_sub(1))
        .sum()
}

fn random_points(n: usize, seed: u64) -> Vec<LngLat> {
    let (w, h) = (CITY.1.x - CITY.0.x, CITY.1.y - CITY.0.y);
    let (x0, x1) = (CITY.0.x - MARGIN * w, CITY.1.x + MARGIN * w);
    let (y0, y1) = (CITY.0.y - MARGIN * h, CITY.1.y + MARGIN * h);
    // Another stream than the mesh's, though from the same seed.
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x706f_696e_7473);
    (0..n)
        .map(|_| LngLat::new(rng.gen_range(x0..x1), rng.gen_range(y0..y1)))
        .collect()
}

/// One PostGIS measurement and where its answers differ from gridgov's: (point index, PostGIS's
/// grid).
struct Measured {
    points: usize,
    secs: f64,
    differ: Vec<(usize, Option<u32>)>,
}

impl Measured {
    fn rate(&self) -> f64 {
        self.points as f64 / self.secs
    }
}

struct Batch {
    measured: Measured,
    plan: String,
}

struct Postgis {
    per_point: Measured,
    batch: Vec<Batch>,
    /// How long CLUSTER took, and gridgov's rates over the points in the clustered order.
    cluster_secs: Option<f64>,
    ours_clustered: Vec<f64>,
}

async fn postgis(
    url: &str,
    grids: &[(u32, MultiPolygon<f64>)],
    points: &[LngLat],
    sample: usize,
    ours: &[Option<u32>],
    index: &GridIndex,
) -> Result<Postgis> {
    // The batch queries run for seconds by design; sqlx would log each as a slow statement.
    let options = PgConnectOptions::from_str(url)?.disable_statement_logging();
    let mut conn = PgConnection::connect_with(&options)
        .await
        .context("connecting to the benchmark database")?;
    sqlx::query("CREATE EXTENSION postgis")
        .execute(&mut conn)
        .await
        .context("CREATE EXTENSION postgis (scripts/bench-locate installs PostGIS)")?;
    let version: String = sqlx::query_scalar(
        "SELECT 'PostGIS ' || postgis_lib_version() || ', PostgreSQL ' \
         || current_setting('server_version')",
    )
    .fetch_one(&mut conn)
    .await?;
    println!();
    println!("comparison: {version}, same machine");

    let started = Instant::now();
    load(&mut conn, grids, points).await?;
    println!(
        "loaded {} polygons and {} points by COPY, GiST indexes built, analysed: {:.1} s",
        grids.len(),
        points.len(),
        started.elapsed().as_secs_f64()
    );

    let per_point = per_point(&mut conn, points, sample.min(points.len()), ours).await?;
    let mut batch = Vec::new();
    let mut cluster_secs = None;
    let mut ours_clustered = Vec::new();
    for form in &BATCH_FORMS {
        if form.clustered && cluster_secs.is_none() {
            eprintln!("PostGIS: CLUSTER points USING points_geom_idx …");
            let started = Instant::now();
            for sql in ["CLUSTER points USING points_geom_idx", "ANALYZE points"] {
                sqlx::query(sql).execute(&mut conn).await?;
            }
            cluster_secs = Some(started.elapsed().as_secs_f64());
            let order: Vec<i32> = sqlx::query_scalar("SELECT id FROM points ORDER BY ctid")
                .fetch_all(&mut conn)
                .await?;
            let reordered = order
                .into_iter()
                .map(|id| {
                    let i = usize::try_from(id)?;
                    points
                        .get(i)
                        .copied()
                        .with_context(|| format!("point {i} was not loaded"))
                })
                .collect::<Result<Vec<_>>>()?;
            eprintln!("gridgov over the points in the clustered order …");
            ours_clustered = time_gridgov(index, &reordered).1;
        }
        eprintln!("PostGIS: {} …", form.name);
        batch.push(batch_form(&mut conn, form, points.len(), ours).await?);
    }
    conn.close().await?;
    Ok(Postgis {
        per_point,
        batch,
        cluster_secs,
        ours_clustered,
    })
}

/// Rows per COPY message: big enough that the messages cost nothing, small enough that the text
/// is never held whole.
const COPY_CHUNK: usize = 20_000;

async fn load(
    conn: &mut PgConnection,
    grids: &[(u32, MultiPolygon<f64>)],
    points: &[LngLat],
) -> Result<()> {
    for sql in [
        "CREATE TABLE grids (id integer PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)",
        "CREATE TABLE points (id integer PRIMARY KEY, geom geometry(Point, 4326) NOT NULL)",
    ] {
        sqlx::query(sql).execute(&mut *conn).await?;
    }

    // EWKT text: Rust writes each coordinate in the fewest digits that read back as the same
    // double, so PostGIS gets exactly the coordinates gridgov has.
    let mut copy = conn.copy_in_raw("COPY grids (id, geom) FROM STDIN").await?;
    for chunk in grids.chunks(COPY_CHUNK) {
        let mut text = String::new();
        for (id, shape) in chunk {
            write!(text, "{id}\tSRID=4326;MULTIPOLYGON(")?;
            for (i, poly) in shape.iter().enumerate() {
                text.push_str(if i == 0 { "(" } else { ",(" });
                for (j, ring) in std::iter::once(poly.exterior())
                    .chain(poly.interiors())
                    .enumerate()
                {
                    text.push_str(if j == 0 { "(" } else { ",(" });
                    for (k, c) in ring.coords().enumerate() {
                        if k > 0 {
                            text.push(',');
                        }
                        write!(text, "{} {}", c.x, c.y)?;
                    }
                    text.push(')');
                }
                text.push(')');
            }
            text.push_str(")\n");
        }
        copy.send(text.as_bytes()).await?;
    }
    copy.finish().await?;

    let mut copy = conn
        .copy_in_raw("COPY points (id, geom) FROM STDIN")
        .await?;
    for (n, chunk) in points.chunks(COPY_CHUNK).enumerate() {
        let mut text = String::new();
        for (i, p) in chunk.iter().enumerate() {
            writeln!(
                text,
                "{}\tSRID=4326;POINT({} {})",
                n * COPY_CHUNK + i,
                p.lng,
                p.lat
            )?;
        }
        copy.send(text.as_bytes()).await?;
    }
    copy.finish().await?;

    for sql in [
        "CREATE INDEX grids_geom_idx ON grids USING gist (geom)",
        "CREATE INDEX points_geom_idx ON points USING gist (geom)",
        "ANALYZE grids",
        "ANALYZE points",
    ] {
        sqlx::query(sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Queries not timed before the per-point run: the first prepares the statement, the rest warm
/// the caches.
const WARM_UP: usize = 200;

async fn per_point(
    conn: &mut PgConnection,
    points: &[LngLat],
    sample: usize,
    ours: &[Option<u32>],
) -> Result<Measured> {
    eprintln!("PostGIS: one prepared query for each of {sample} points …");
    for p in points.iter().rev().take(WARM_UP) {
        ask(conn, *p).await?;
    }
    let mut answers = Vec::with_capacity(sample);
    let started = Instant::now();
    for p in &points[..sample] {
        answers.push(ask(conn, *p).await?);
    }
    let secs = started.elapsed().as_secs_f64();
    let mut differ = Vec::new();
    for (i, a) in answers.into_iter().enumerate() {
        let theirs = a.map(u32::try_from).transpose()?;
        if theirs != ours[i] {
            differ.push((i, theirs));
        }
    }
    Ok(Measured {
        points: sample,
        secs,
        differ,
    })
}

/// One point's grid by the per-point query. sqlx prepares the statement on first use and keeps
/// it on the connection, so each later call is one Bind/Execute round trip.
async fn ask(conn: &mut PgConnection, p: LngLat) -> Result<Option<i32>> {
    Ok(sqlx::query_scalar(PER_POINT)
        .bind(p.lng)
        .bind(p.lat)
        .fetch_one(conn)
        .await?)
}

/// Times one whole-set form and checks its answers. The timing counts the join's rows on the
/// server, so neither sending a million rows nor the client's decoding of them is charged to
/// PostGIS; the answers are then fetched, untimed.
async fn batch_form(
    conn: &mut PgConnection,
    form: &BatchForm,
    n: usize,
    ours: &[Option<u32>],
) -> Result<Batch> {
    let plan = plan_outline(conn, form.sql).await?;
    if !plan.contains(form.index) {
        eprintln!(
            "warning: the plan for \"{}\" does not use {}: {plan}",
            form.name, form.index
        );
    }
    let count = format!("SELECT count(x.grid) FROM ({}) x", form.sql);
    let mut best = f64::INFINITY;
    for _ in 0..2 {
        let started = Instant::now();
        let _: i64 = sqlx::query_scalar(&count).fetch_one(&mut *conn).await?;
        best = best.min(started.elapsed().as_secs_f64());
        if best > SLOW_SECS {
            break;
        }
    }

    let rows: Vec<(i32, Option<i32>)> = sqlx::query_as(form.sql).fetch_all(&mut *conn).await?;
    // Per point, the smallest grid that holds it.
    let mut found: Vec<Option<u32>> = vec![None; n];
    for (point, grid) in rows {
        let slot = usize::try_from(point)
            .ok()
            .and_then(|i| found.get_mut(i))
            .with_context(|| format!("PostGIS answered for point {point}, which was not loaded"))?;
        if let Some(g) = grid {
            let g = u32::try_from(g)?;
            *slot = Some(slot.map_or(g, |m| m.min(g)));
        }
    }
    let differ = found
        .into_iter()
        .zip(ours)
        .enumerate()
        .filter(|(_, (theirs, ours))| theirs != *ours)
        .map(|(i, (theirs, _))| (i, theirs))
        .collect();
    Ok(Batch {
        measured: Measured {
            points: n,
            secs: best,
            differ,
        },
        plan,
    })
}

/// The plan's nodes, outermost first, without costs: enough to see which side drives the join
/// and which index it probes.
async fn plan_outline(conn: &mut PgConnection, sql: &str) -> Result<String> {
    let lines: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN (COSTS OFF) {sql}"))
        .fetch_all(&mut *conn)
        .await?;
    Ok(lines
        .iter()
        .map(|l| l.trim_start().trim_start_matches("-> ").trim())
        .filter(|l| !l.contains(':'))
        .collect::<Vec<_>>()
        .join(" → "))
}

/// 1234567.8 → "1,234,568".
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1_234_567.8), "1,234,568");
        assert_eq!(thousands(100_000.0), "100,000");
    }

    #[test]
    fn the_city_has_the_grids_asked_for_numbered_from_one() {
        let (mesh, grids) = city(1000, 6, 1);
        assert_eq!(grids.len(), 1000);
        assert!(mesh.cols() * mesh.rows() >= 1000);
        assert_eq!(grids[0].0, 1);
        assert_eq!(grids[999].0, 1000);
        assert_eq!(vertex_count(&grids[0].1), 24);
    }
}
