//! The incident filler: a store's grids given years of incidents for the benchmarks, a million
//! in a minute or two. Each incident is walked through the loop in memory ([`super::incident_walk`],
//! core's own tables) and written by the store's bulk load, thousands to a transaction, numbered
//! through the same counters as a report.
//!
//! Realistic where the work lists and exports care: reports spread over the years (growing, fewer
//! at weekends and at night), over the grids by their households with some grids much busier,
//! over categories skewed towards city management and disputes, from every source; most closed
//! and rated, a few thousand open among the last weeks' reports, some returned, shirked, summoned
//! by a whistle, sent back for rework or reopened; tasks on the grid's own staff (or the center's
//! region) and on the departments serving the place; positions inside their grid.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use gridgov_core::auth::Actor;
use gridgov_geo::LngLat;
use gridgov_store::Store;
use gridgov_store::incidents::{BulkGround, BulkIncident, BulkParty, GroundUser};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::incident_walk::{Assign, Walk, id_at};
use crate::demo_network::{GIVEN, SURNAMES};

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

/// What to fill.
#[derive(Debug, Clone)]
pub struct FillSpec {
    pub incidents: u64,
    /// Reports are spread over this many years before `end_ms`.
    pub years: u32,
    /// The newest report's time (usually now).
    pub end_ms: i64,
    pub seed: u64,
    /// Incidents per transaction.
    pub batch: usize,
}

impl FillSpec {
    pub fn new(incidents: u64, end_ms: i64) -> FillSpec {
        FillSpec {
            incidents,
            years: 10,
            end_ms,
            seed: 11,
            batch: 5_000,
        }
    }
}

/// What was filled.
#[derive(Debug, Clone, Default)]
pub struct FillSummary {
    pub incidents: u64,
    pub tasks: u64,
    pub parties: u64,
    pub by_state: BTreeMap<String, u64>,
    pub secs: f64,
}

impl FillSummary {
    /// Incidents in a state the work lists show as open.
    pub fn open(&self) -> u64 {
        self.by_state
            .iter()
            .filter(|(s, _)| !matches!(s.as_str(), "closed" | "evaluated" | "rejected" | "merged"))
            .map(|(_, n)| n)
            .sum()
    }
}

/// A grid with what its incidents need.
struct Place {
    grid: usize,
    /// Positions checked to lie in the grid.
    points: Vec<LngLat>,
    /// Who reports on patrol and works the territorial task: the grid's staff.
    staff: Vec<GroundUser>,
    /// The center that accepts and dispatches: its operator and path.
    center: Option<(GroundUser, String)>,
    /// Departments serving the place that have a handler.
    departments: Vec<usize>,
}

/// Class weights of the category tree (first two digits): what a center's day is made of.
pub(crate) fn class_weight(code: &str) -> f64 {
    match code.get(..2).unwrap_or("") {
        "06" => 30.0,
        "01" => 20.0,
        "03" => 12.0,
        "10" => 10.0,
        "02" | "04" | "07" => 6.0,
        "08" => 4.0,
        "05" => 3.0,
        "09" => 2.0,
        _ => 1.0,
    }
}

pub(crate) const SOURCES: [(&str, f64); 6] = [
    ("grid_patrol", 45.0),
    ("hotline_12345", 20.0),
    ("citizen", 15.0),
    ("department", 8.0),
    ("police_110", 7.0),
    ("higher_center", 5.0),
];

/// Hour-of-day weights of reports (China time).
pub(crate) const HOURS: [f64; 24] = [
    0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2.0, 4.0, 6.0, 6.0, 5.0, 3.0, 3.0, 5.0, 6.0, 5.0, 4.0, 3.0,
    2.0, 1.5, 1.0, 0.6, 0.4,
];

/// What becomes of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Fate {
    Reported,
    Rejected,
    Merged,
    Accepted,
    Dispatched,
    InProgress,
    Suspended,
    Handled,
    UnderReview,
    Closed,
    Evaluated,
}

/// Fates by age: open ones among the last weeks' reports (`open_days` is how fast the chance of
/// being open falls with age), settled ones before.
pub(crate) fn fate(age_ms: i64, open_days: f64, rng: &mut StdRng) -> Fate {
    let days = age_ms as f64 / DAY as f64;
    let p_open = 0.9 * (-days / open_days).exp();
    if rng.gen_bool(p_open.clamp(0.0, 1.0)) {
        let open = [
            (Fate::Reported, 12.0),
            (Fate::Accepted, 8.0),
            (Fate::Dispatched, 15.0),
            (Fate::InProgress, 35.0),
            (Fate::Suspended, 2.0),
            (Fate::Handled, 10.0),
            (Fate::UnderReview, 18.0),
        ];
        return pick(&open, rng);
    }
    if rng.gen_bool(0.0005) {
        // Suspended long ago and never resumed: a few stay on the lists for years.
        return Fate::Suspended;
    }
    let settled = [
        (Fate::Evaluated, if days > 7.0 { 62.0 } else { 20.0 }),
        (Fate::Closed, 30.0),
        (Fate::Rejected, 5.0),
        (Fate::Merged, 3.0),
    ];
    pick(&settled, rng)
}

pub(crate) fn pick<T: Copy>(choices: &[(T, f64)], rng: &mut StdRng) -> T {
    let total: f64 = choices.iter().map(|c| c.1).sum();
    let mut x = rng.gen_range(0.0..total);
    for (v, w) in choices {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    choices[choices.len() - 1].0
}

pub(crate) fn name(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        SURNAMES.choose(rng).copied().unwrap_or("王"),
        GIVEN.choose(rng).copied().unwrap_or("明")
    )
}

/// Fills with a progress line and prints what was made.
pub async fn run(store: &Store, spec: &FillSpec) -> Result<FillSummary> {
    let bar = indicatif::ProgressBar::new(spec.incidents);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "filling / 生成事件 [{bar:40}] {pos}/{len} ({per_sec}, {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    let summary = fill(store, spec, |n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    // What a deployment's PostgreSQL has once autovacuum has been by: statistics and the
    // visibility map of the tables just filled.
    let t = std::time::Instant::now();
    store.analyze_incidents(&Actor::system()).await?;
    println!(
        "  vacuumed and analyzed in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    println!(
        "filled {} incidents ({} tasks, {} parties) in {:.1} s: {:.0} incidents/s; {} open",
        summary.incidents,
        summary.tasks,
        summary.parties,
        summary.secs,
        summary.incidents as f64 / summary.secs.max(1e-9),
        summary.open()
    );
    let states: Vec<String> = summary
        .by_state
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    println!("  by state: {}", states.join(", "));
    Ok(summary)
}

/// Fills the store's grids with `spec.incidents` incidents; `progress` hears the count written.
pub async fn fill(store: &Store, spec: &FillSpec, progress: impl Fn(u64)) -> Result<FillSummary> {
    let started = Instant::now();
    let sys = Actor::system();
    let ground = store.bulk_ground(&sys).await?;
    if ground.grids.is_empty() {
        bail!("the store has no grids to fill");
    }
    let cats: Vec<_> = ground
        .categories
        .iter()
        // Top-level classes only where they have nothing below them (`99` other).
        .filter(|c| {
            c.code.len() > 2
                || !ground
                    .categories
                    .iter()
                    .any(|x| x.code.len() > 2 && x.code.starts_with(&c.code))
        })
        .collect();
    if cats.is_empty() {
        bail!("the store has no incident categories (seed them first)");
    }
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let places = places(store, &ground, &mut rng).await?;
    // Busier and quieter grids: households times a skew.
    let grid_pick = WeightedIndex::new(places.iter().map(|p| {
        let skew: f64 = rng.gen_range(0.3_f64..1.8).powi(2);
        ground.grids[p.grid].household_target.max(50) as f64 * skew
    }))
    .context("weighing the grids")?;
    // Within a class, the first categories far more often than the last.
    let mut rank: HashMap<&str, usize> = HashMap::new();
    let cat_pick = WeightedIndex::new(cats.iter().map(|c| {
        let r = rank.entry(&c.code[..2]).or_default();
        *r += 1;
        class_weight(&c.code) / (*r as f64)
    }))
    .context("weighing the categories")?;

    let days = i64::from(spec.years) * 365;
    let start = spec.end_ms - days * DAY;
    // Growth over the years (the platform took on more) and quieter weekends.
    let weight = |d: i64| {
        let growth = 0.5 + d as f64 / days as f64;
        let weekday = (start / DAY + d + 4).rem_euclid(7); // 0 = Sunday
        growth
            * if weekday == 0 || weekday == 6 {
                0.7
            } else {
                1.0
            }
    };
    let total_w: f64 = (0..days).map(weight).sum();
    let hour_pick = WeightedIndex::new(HOURS).context("weighing the hours")?;
    let mut summary = FillSummary::default();
    let mut batch: Vec<BulkIncident> = Vec::with_capacity(spec.batch);
    let mut last_of_grid: HashMap<usize, String> = HashMap::new();
    let mut made = 0u64;
    let mut carried = 0.0;
    for d in 0..days {
        carried += spec.incidents as f64 * weight(d) / total_w;
        let mut n = carried.floor() as u64;
        if d == days - 1 {
            n = spec.incidents - made;
        }
        n = n.min(spec.incidents - made);
        carried -= n as f64;
        let day_start = start + d * DAY;
        // Day boundaries in China time, so a day's reports share their number's date.
        let day_start = day_start - (day_start + 8 * HOUR).rem_euclid(DAY);
        let mut times: Vec<i64> = (0..n)
            .map(|_| day_start + hour_pick.sample(&mut rng) as i64 * HOUR + rng.gen_range(0..HOUR))
            .map(|t| t.min(spec.end_ms - MINUTE).max(day_start))
            .collect();
        times.sort_unstable();
        for t in times {
            let p = &places[grid_pick.sample(&mut rng)];
            let cat = cats[cat_pick.sample(&mut rng)];
            let previous = last_of_grid.get(&p.grid).cloned();
            let inc = incident(&ground, p, cat, t, spec.end_ms, previous, &mut rng)?;
            last_of_grid.insert(p.grid, inc.id.clone());
            summary.tasks += inc.tasks.len() as u64;
            summary.parties += inc.parties.len() as u64;
            *summary.by_state.entry(inc.state.clone()).or_default() += 1;
            batch.push(inc);
            made += 1;
            if batch.len() >= spec.batch {
                store.bulk_load_incidents(&sys, &batch).await?;
                batch.clear();
                progress(made);
            }
        }
    }
    if !batch.is_empty() {
        store.bulk_load_incidents(&sys, &batch).await?;
        progress(made);
    }
    summary.incidents = made;
    summary.secs = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The grids with their positions, staff, center and departments.
async fn places(store: &Store, ground: &BulkGround, rng: &mut StdRng) -> Result<Vec<Place>> {
    let sys = Actor::system();
    let mut out = Vec::with_capacity(ground.grids.len());
    for (k, g) in ground.grids.iter().enumerate() {
        let mut points = Vec::new();
        if let Some([x0, y0, x1, y1]) = g.bbox {
            // The middle of the box first (a strip or block holds it), then a few around it.
            let mut tries = vec![LngLat::new((x0 + x1) / 2.0, (y0 + y1) / 2.0)];
            for _ in 0..3 {
                tries.push(LngLat::new(
                    x0 + (x1 - x0) * rng.gen_range(0.25..0.75),
                    y0 + (y1 - y0) * rng.gen_range(0.25..0.75),
                ));
            }
            for p in tries {
                if let Some(found) = store.locate(&sys, p).await?
                    && found.grid.grid.id == g.id
                {
                    // Six decimals, as a phone's position gives them (about 10 cm).
                    let round = |v: f64| (v * 1e6).round() / 1e6;
                    points.push(LngLat::new(round(p.lng), round(p.lat)));
                }
            }
        }
        let center = ground
            .centers
            .iter()
            .filter(|c| g.path.starts_with(&c.path))
            .max_by_key(|c| c.path.len())
            .map(|c| (c.user.clone(), c.path.clone()));
        let departments = ground
            .departments
            .iter()
            .enumerate()
            .filter(|(_, d)| g.path.starts_with(&d.path) && !d.handlers.is_empty())
            .map(|(i, _)| i)
            .collect();
        out.push(Place {
            grid: k,
            points,
            staff: g.staff.clone(),
            center,
            departments,
        });
    }
    Ok(out)
}

/// The county's path of a grid's path (`42/4202/420202/…`).
fn county_path(path: &str) -> String {
    path.split_inclusive('/').take(3).collect()
}

/// One incident, walked to its fate.
fn incident(
    ground: &BulkGround,
    p: &Place,
    cat: &gridgov_store::incidents::GroundCategory,
    t: i64,
    end: i64,
    previous: Option<String>,
    rng: &mut StdRng,
) -> Result<BulkIncident> {
    let g = &ground.grids[p.grid];
    let system = GroundUser {
        id: "system".into(),
        username: "system".into(),
    };
    let center_user = p.center.as_ref().map(|c| c.0.clone()).unwrap_or(system);
    let center_path = p
        .center
        .as_ref()
        .map(|c| c.1.clone())
        .unwrap_or_else(|| county_path(&g.path));
    let mut source = pick(&SOURCES, rng);
    let reporter = match source {
        "grid_patrol" => match p.staff.choose(rng) {
            Some(u) => u.clone(),
            None => {
                source = "citizen";
                center_user.clone()
            }
        },
        "department" => p
            .departments
            .choose(rng)
            .and_then(|d| ground.departments[*d].handlers.first().cloned())
            .unwrap_or_else(|| center_user.clone()),
        _ => center_user.clone(),
    };
    let (title, description, address) = crate::incident_text::report(&cat.code, rng);
    let grade = if rng.gen_bool(0.08) {
        match cat.default_grade.as_str() {
            "general" => "serious",
            "serious" => "major",
            other => other,
        }
    } else {
        cat.default_grade.as_str()
    };
    let point = p.points.choose(rng).copied();
    let id_bits: u128 = rng.r#gen();
    let mut parties = Vec::new();
    if cat.code.starts_with("01") {
        parties.push(BulkParty {
            name: name(rng),
            side: "applicant".into(),
            note: String::new(),
        });
        parties.push(BulkParty {
            name: name(rng),
            side: "respondent".into(),
            note: String::new(),
        });
    } else if rng.gen_bool(0.1) {
        parties.push(BulkParty {
            name: name(rng),
            side: "involved".into(),
            note: String::new(),
        });
    }
    let inc = BulkIncident {
        county_code: g.county_code.clone(),
        id: id_at(t, id_bits),
        title,
        description,
        category_code: cat.code.clone(),
        grade: grade.to_owned(),
        source: source.to_owned(),
        state: "reported".into(),
        reporter_id: Some(reporter.id.clone()),
        reporter_name: reporter.username.clone(),
        occurred_at: rng
            .gen_bool(0.6)
            .then(|| t - rng.gen_range(10 * MINUTE..48 * HOUR)),
        reported_at: t,
        lng: point.map(|p| p.lng),
        lat: point.map(|p| p.lat),
        address,
        grid_id: Some(g.id.clone()),
        region_code: g.region_code.clone(),
        path: g.path.clone(),
        center_path: parent_path(&g.path),
        version: 1,
        updated_at: t,
        parties,
        ..BulkIncident::default()
    };
    let age = end - t;
    let fate = fate(age, 6.0, rng);
    // A walk takes up to about twelve days; recent reports are walked faster so that nothing
    // happens after `end`.
    let pace = (age as f64 / (14 * DAY) as f64).clamp(0.0005, 1.0);
    let mut w = Walk::new(inc, id_bits);
    let crew = Crew {
        ground,
        place: p,
        center_user: &center_user,
        center_path: &center_path,
        category_sectors: &cat.sectors,
        pace,
        merge_into: previous,
    };
    crew.walk(&mut w, fate, rng)?;
    Ok(w.inc)
}

/// The parent region's path of a grid's path.
fn parent_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(at) => trimmed[..=at].to_owned(),
        None => String::new(),
    }
}

/// The people and places one incident's walk uses.
struct Crew<'a> {
    ground: &'a BulkGround,
    place: &'a Place,
    center_user: &'a GroundUser,
    center_path: &'a str,
    category_sectors: &'a str,
    pace: f64,
    merge_into: Option<String>,
}

impl Crew<'_> {
    /// A delay between `lo` and `hi` minutes, at the walk's pace.
    fn after(&self, lo: i64, hi: i64, rng: &mut StdRng) -> i64 {
        (rng.gen_range(lo * MINUTE..=hi * MINUTE) as f64 * self.pace) as i64
    }

    /// The territorial task: the grid, when it has staff to work it; else the center's region.
    fn territorial(&self) -> Assign {
        let g = &self.ground.grids[self.place.grid];
        if self.place.staff.is_empty() {
            let code = self
                .center_path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            Assign {
                kind: "territorial",
                assignee_type: "region",
                assignee_id: code.to_owned(),
                path: self.center_path.to_owned(),
            }
        } else {
            Assign {
                kind: "territorial",
                assignee_type: "grid",
                assignee_id: g.id.clone(),
                path: g.path.clone(),
            }
        }
    }

    /// A department serving the place, of the category's sectors when one is at hand.
    fn department(&self, kind: &'static str, not: &[String], rng: &mut StdRng) -> Option<Assign> {
        let deps: Vec<usize> = self
            .place
            .departments
            .iter()
            .copied()
            .filter(|d| !not.contains(&self.ground.departments[*d].id))
            .collect();
        let fitting: Vec<usize> = deps
            .iter()
            .copied()
            .filter(|d| {
                self.category_sectors
                    .split(',')
                    .any(|s| s == self.ground.departments[*d].sector)
            })
            .collect();
        let d = if fitting.is_empty() { deps } else { fitting };
        d.choose(rng).map(|d| {
            let d = &self.ground.departments[*d];
            Assign {
                kind,
                assignee_type: "department",
                assignee_id: d.id.clone(),
                path: d.path.clone(),
            }
        })
    }

    /// Who works a task: the department's handler, the grid's staff, or the center's operator.
    fn worker(&self, w: &Walk, k: usize, rng: &mut StdRng) -> String {
        let t = &w.inc.tasks[k];
        match t.assignee_type.as_str() {
            "department" => self
                .ground
                .departments
                .iter()
                .find(|d| d.id == t.assignee_id)
                .and_then(|d| d.handlers.choose(rng))
                .map(|u| u.id.clone()),
            "grid" => self.place.staff.choose(rng).map(|u| u.id.clone()),
            _ => None,
        }
        .unwrap_or_else(|| self.center_user.id.clone())
    }

    fn dispatch(&self, w: &mut Walk, rng: &mut StdRng) -> Result<()> {
        let mut tasks = vec![self.territorial()];
        if rng.gen_bool(0.7)
            && let Some(lead) = self.department("department_lead", &[], rng)
        {
            if rng.gen_bool(0.1)
                && let Some(assist) = self.department(
                    "department_assist",
                    std::slice::from_ref(&lead.assignee_id),
                    rng,
                )
            {
                tasks.push(assist);
            }
            tasks.insert(0, lead);
        }
        let after = self.after(10, 600, rng);
        w.dispatch(after, self.center_path, &tasks)
    }

    /// Starts and handles every live task.
    fn work(&self, w: &mut Walk, handle: bool, rng: &mut StdRng) -> Result<()> {
        for k in w.live_tasks() {
            if w.inc.tasks[k].state != "in_progress" {
                let who = self.worker(w, k, rng);
                w.start(self.after(10, 1_440, rng), k, &who)?;
            }
        }
        if handle {
            for k in w.live_tasks() {
                let who = self.worker(w, k, rng);
                let result = crate::incident_text::result(&w.inc.category_code, rng);
                w.handle(self.after(60, 4_320, rng), k, &who, &result)?;
            }
        }
        Ok(())
    }

    fn walk(&self, w: &mut Walk, fate: Fate, rng: &mut StdRng) -> Result<()> {
        match fate {
            Fate::Reported => return Ok(()),
            Fate::Rejected => return w.reject(self.after(5, 480, rng)),
            Fate::Merged => {
                if let Some(into) = &self.merge_into {
                    return w.merge(self.after(5, 480, rng), into);
                }
                return w.reject(self.after(5, 480, rng));
            }
            _ => {}
        }
        w.accept(self.after(5, 240, rng), self.center_path)?;
        // Sent back by a department before any work (a wrong address), twice by the same one
        // now and then: shirking (推诿).
        let returned = rng.gen_bool(0.04) || (fate == Fate::Accepted && rng.gen_bool(0.5));
        if returned && let Some(dep) = self.department("department_lead", &[], rng) {
            let times = if rng.gen_bool(0.2) { 2 } else { 1 };
            for _ in 0..times {
                w.dispatch(
                    self.after(10, 600, rng),
                    self.center_path,
                    std::slice::from_ref(&dep),
                )?;
                let k = w.inc.tasks.len() - 1;
                let who = self.worker(w, k, rng);
                w.return_task(self.after(60, 1_440, rng), k, &who)?;
            }
        }
        if fate == Fate::Accepted {
            return Ok(());
        }
        self.dispatch(w, rng)?;
        let whistle = rng.gen_bool(0.03);
        if fate == Fate::Dispatched {
            if whistle && let Some(dep) = self.department("department_assist", &[], rng) {
                w.whistle(self.after(30, 600, rng), &[dep])?;
            }
            return Ok(());
        }
        self.work(w, false, rng)?;
        if whistle && let Some(dep) = self.department("department_assist", &[], rng) {
            w.whistle(self.after(30, 600, rng), &[dep])?;
            let k = w.inc.tasks.len() - 1;
            // Open ones may still wait for the department to report in.
            if fate > Fate::Suspended || rng.gen_bool(0.6) {
                w.report_in(self.after(30, 1_200, rng), k)?;
            }
        }
        match fate {
            Fate::InProgress => return Ok(()),
            Fate::Suspended => return w.suspend(self.after(60, 1_440, rng)),
            _ => {}
        }
        if rng.gen_bool(0.02) {
            w.suspend(self.after(60, 1_440, rng))?;
            w.resume(self.after(600, 4_320, rng))?;
        }
        self.work(w, true, rng)?;
        if fate == Fate::Handled {
            return Ok(());
        }
        w.confirm(self.after(30, 1_440, rng))?;
        if rng.gen_bool(0.03) {
            w.rework(self.after(60, 1_440, rng))?;
            self.work(w, true, rng)?;
            w.confirm(self.after(30, 1_440, rng))?;
        }
        if fate == Fate::UnderReview {
            return Ok(());
        }
        w.approve(self.after(30, 1_440, rng), self.center_path)?;
        if fate == Fate::Closed {
            return Ok(());
        }
        let rating = pick(
            &[
                ("satisfied", 85.0),
                ("basically_satisfied", 12.0),
                ("unsatisfied", 3.0),
            ],
            rng,
        );
        w.evaluate(self.after(60, 4_320, rng), rating)?;
        if rating == "unsatisfied" && self.pace >= 1.0 && rng.gen_bool(0.5) {
            // Reopened and done again, rated better the second time.
            w.reopen(self.after(60, 1_440, rng))?;
            self.dispatch(w, rng)?;
            self.work(w, true, rng)?;
            w.confirm(self.after(30, 1_440, rng))?;
            w.approve(self.after(30, 1_440, rng), self.center_path)?;
            w.evaluate(self.after(60, 4_320, rng), "basically_satisfied")?;
        }
        Ok(())
    }
}
