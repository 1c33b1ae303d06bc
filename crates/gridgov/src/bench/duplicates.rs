//! `gridgov bench duplicates`: duplicate suggestions over years of incidents on the demo city.
//! Drafts are placed where the last month's reports are (up to 80 m from one of them), in its
//! category; half retell that report, half are real complaints from the public 2020 Chinese
//! government-message collection when it lies beside the project (generated text otherwise).
//! Each draft is timed through `Store::suggest_duplicates` as the city center (the widest
//! doors), p50/p99/max, beside the target (p99 < 20 ms) and the floor: the two candidate
//! SELECTs alone (same indexes and conditions, no doors, no scoring).

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use gridgov_core::auth::Actor;
use gridgov_core::incidents::duplicates::{
    self as rules, CANDIDATES_MAX, DESCRIPTION_CHARS, WINDOW_MS,
};
use gridgov_store::Store;
use gridgov_store::incidents::ReportInput;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sqlx::{AnyPool, Row};

use super::filled_city;
use super::stats::Summary;
use crate::cli::BackendArgs;

const TARGET_P99_MS: f64 = 20.0;
/// Where the public complaint texts lie, when they do.
const MESSAGES: &str =
    "../shared/data/incidents/cn_gov_messages_tipdm2020/tipdm2020_messages_hot.csv";
/// Metres to degrees, near the demo city's latitude (30.2°).
const M_LAT: f64 = 1.0 / 111_320.0;
const M_LNG: f64 = 1.0 / 96_200.0;

pub async fn run(
    args: &BackendArgs,
    filled: Option<&str>,
    incidents: u64,
    samples: usize,
) -> Result<()> {
    println!("machine: {}", super::machine());
    let texts = complaint_texts(Path::new(MESSAGES));
    match &texts {
        Some(t) => println!(
            "drafts: half retold reports, half real complaints ({} read)",
            t.len()
        ),
        None => println!("drafts: half retold reports, half generated (no complaint texts found)"),
    }
    // The segmenter's dictionary is built once per process, on first use; outside the timing.
    let t = Instant::now();
    let _ = gridgov_core::incidents::Words::of("井盖缺失");
    println!(
        "segmenter ready in {:.0} ms (once per process)",
        t.elapsed().as_secs_f64() * 1e3
    );
    for target in filled_city::targets(args, filled) {
        let city = filled_city::open(&target, "dups", incidents).await?;
        let r = measure(&city.store, &city.pool, samples, texts.as_deref()).await;
        city.close().await;
        r?;
    }
    Ok(())
}

/// Titles and details of real complaints, when the collection is there.
fn complaint_texts(path: &Path) -> Option<Vec<(String, String)>> {
    let mut reader = csv::Reader::from_path(path).ok()?;
    let headers = reader.headers().ok()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (title, detail) = (col("留言主题")?, col("留言详情")?);
    let texts: Vec<(String, String)> = reader
        .records()
        .filter_map(|r| r.ok())
        .filter_map(|r| {
            let t = r.get(title)?.trim().to_owned();
            let d: String = r.get(detail)?.trim().chars().take(300).collect();
            (!t.is_empty()).then_some((t, d))
        })
        .take(5_000)
        .collect();
    (!texts.is_empty()).then_some(texts)
}

/// A report of the last month the drafts are written near.
struct Seed {
    category: String,
    grid_id: String,
    lng: f64,
    lat: f64,
    title: String,
    description: String,
}

async fn recent(pool: &AnyPool, now: i64, n: usize, rng: &mut StdRng) -> Result<Vec<Seed>> {
    let rows = sqlx::query(
        "SELECT category_code, grid_id, CAST(lng AS TEXT), CAST(lat AS TEXT), title, description \
         FROM incidents WHERE reported_at >= $1 AND lng IS NOT NULL AND grid_id IS NOT NULL",
    )
    .bind(now - WINDOW_MS)
    .fetch_all(pool)
    .await?;
    let mut seeds = Vec::with_capacity(rows.len());
    for r in rows {
        let coord = |i: usize| -> Result<f64> { Ok(r.try_get::<String, _>(i)?.parse::<f64>()?) };
        seeds.push(Seed {
            category: r.try_get(0)?,
            grid_id: r.try_get(1)?,
            lng: coord(2)?,
            lat: coord(3)?,
            title: r.try_get(4)?,
            description: r.try_get(5)?,
        });
    }
    println!(
        "  {} reports in the last 30 days to write drafts near",
        seeds.len()
    );
    seeds.shuffle(rng);
    seeds.truncate(n);
    Ok(seeds)
}

/// A draft near a seed: up to 80 m off, in its category, retelling it or telling another matter.
fn draft(
    seed: &Seed,
    k: usize,
    texts: Option<&[(String, String)]>,
    rng: &mut StdRng,
) -> ReportInput {
    let (title, description) = if k.is_multiple_of(2) {
        let half: String = seed
            .description
            .chars()
            .take(seed.description.chars().count() / 2)
            .collect();
        (seed.title.clone(), half)
    } else {
        match texts {
            Some(t) => t[rng.gen_range(0..t.len())].clone(),
            None => {
                let (title, description, _) = crate::incident_text::report(&seed.category, rng);
                (title, description)
            }
        }
    };
    let (east, north) = (rng.gen_range(-80.0..80.0), rng.gen_range(-80.0..80.0));
    ReportInput {
        title,
        description,
        category: seed.category.clone(),
        lng: Some(seed.lng + east * M_LNG),
        lat: Some(seed.lat + north * M_LAT),
        ..Default::default()
    }
}

async fn measure(
    store: &Store,
    pool: &AnyPool,
    samples: usize,
    texts: Option<&[(String, String)]>,
) -> Result<()> {
    let center = store
        .user_by_username(&Actor::system(), "city-op")
        .await
        .context("demo user city-op")?
        .actor();
    let now = store.now_ms();
    let mut rng = StdRng::seed_from_u64(20);
    let seeds = recent(pool, now, samples, &mut rng).await?;
    let mut full = Vec::new();
    let mut floor = Vec::new();
    let (mut hits, mut offered, mut skipped) = (0usize, 0usize, 0usize);
    for (k, seed) in seeds.iter().enumerate() {
        let d = draft(seed, k, texts, &mut rng);
        let t = Instant::now();
        let found = match store.suggest_duplicates(&center, &d, None).await {
            Ok(found) => found,
            // Jittered just outside every grid of the city: a report would be refused too.
            Err(gridgov_store::StoreError::Invalid(_)) => {
                skipped += 1;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        full.push(t.elapsed().as_secs_f64() * 1e3);
        hits += usize::from(!found.is_empty());
        offered += found.len();
        let t = Instant::now();
        bare_candidates(pool, seed, &d, now).await?;
        floor.push(t.elapsed().as_secs_f64() * 1e3);
        if (k + 1).is_multiple_of(100) {
            println!("  … {} drafts", k + 1);
        }
    }
    let s = Summary::of(&full).context("no draft could be placed")?;
    let f = Summary::of(&floor).context("no floor measured")?;
    println!(
        "  {} drafts ({} off every grid, skipped): {} had suggestions, {:.1} on average",
        s.n,
        skipped,
        hits,
        offered as f64 / s.n as f64
    );
    println!(
        "  suggest_duplicates p50/p99/max {:.1}/{:.1}/{:.1} ms (target p99 < {TARGET_P99_MS:.0} ms): {}",
        s.p50,
        s.p99,
        s.max,
        if s.p99 < TARGET_P99_MS {
            "met"
        } else {
            "MISSED"
        }
    );
    println!(
        "  floor: the two candidate SELECTs alone p50/p99/max {:.1}/{:.1}/{:.1} ms",
        f.p50, f.p99, f.max
    );
    Ok(())
}

/// The store's two candidate queries with their indexes and conditions, without the caller's
/// doors and without scoring: what the database needs at least.
async fn bare_candidates(pool: &AnyPool, seed: &Seed, d: &ReportInput, now: i64) -> Result<usize> {
    let (lo, hi) = rules::category_family(&seed.category);
    let since = now - WINDOW_MS;
    let cols = format!(
        "i.county_code, i.id, i.number, i.title, SUBSTR(i.description, 1, {DESCRIPTION_CHARS}), \
                i.category_code, i.state, i.grid_id, CAST(i.lng AS TEXT), CAST(i.lat AS TEXT), \
                i.reported_at"
    );
    let same = format!(
        "SELECT {cols} FROM incidents i WHERE i.grid_id = $1 AND i.reported_at >= $2 \
         AND i.state NOT IN ('rejected', 'merged') AND i.category_code >= $3 \
         AND i.category_code < $4 ORDER BY i.reported_at DESC LIMIT {CANDIDATES_MAX}"
    );
    let mut n = sqlx::query(&same)
        .bind(&seed.grid_id)
        .bind(since)
        .bind(&lo)
        .bind(&hi)
        .fetch_all(pool)
        .await?
        .len();
    let (lng, lat) = (d.lng.unwrap_or(seed.lng), d.lat.unwrap_or(seed.lat));
    let (dlat, dlng) = rules::near_box(lat);
    let bands = rules::bands(lat - dlat, lat + dlat);
    let near = format!(
        "SELECT {cols} FROM incidents i WHERE round(i.lat * 500) IN ($1, $2, $3, $4) \
         AND i.lng >= $5 AND i.lng <= $6 AND i.lat >= $7 AND i.lat <= $8 \
         AND i.reported_at >= $9 AND i.state NOT IN ('rejected', 'merged') \
         AND i.category_code >= $10 AND i.category_code < $11 \
         ORDER BY i.reported_at DESC LIMIT {CANDIDATES_MAX}"
    );
    let mut q = sqlx::query(&near);
    for b in bands {
        q = q.bind(b);
    }
    n += q
        .bind(lng - dlng)
        .bind(lng + dlng)
        .bind(lat - dlat)
        .bind(lat + dlat)
        .bind(since)
        .bind(&lo)
        .bind(&hi)
        .fetch_all(pool)
        .await?
        .len();
    Ok(n)
}
