//! The demo's year of incidents across Huangshi, made the way a real center makes them: reported
//! by the demo's grid workers, center operators and department handlers through
//! `Store::report_incident`, then walked through the loop with `Store::act_on_incident` by whoever
//! the rules let act, on a store whose clock is moved to each step's moment. So every incident
//! has a true audit stream and timeline, and nothing the store would refuse gets in.
//!
//! Spread like the benchmarks' filler (whose weights and fates it shares): more on weekdays and
//! in office hours, busier grids, city management and disputes first, every source; open ones
//! among the last weeks' reports, some returned (a few twice: shirking), some summoned by a
//! whistle, some reopened after an unsatisfied rating. The newest few are placed on the named
//! demo logins' own grid and department, so those logins find work waiting. Seeded: the same
//! incidents every time (their times count back from the moment the demo first starts).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use gridgov_core::auth::Actor;
use gridgov_geo::LngLat;
use gridgov_store::grids::GridFilter;
use gridgov_store::incidents::{
    ActionInput, DispatchInput, GroundCategory, IncidentFilter, IncidentView, PartyInput,
    ReportInput, WorkList,
};
use gridgov_store::{FixedClock, Store};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::bench::incident_fill::{Fate, HOURS, SOURCES, class_weight, fate, name, pick};
use crate::demo_people::PartyBook;

/// About three a day over the year: enough for every list, chart and export to show something.
/// Each step is a real store call (about 9 a closed incident), so the count sets the demo's
/// first start: 1,800 took 26 s in a debug build on a shared 2-core machine, this many about 17.
pub const INCIDENTS: usize = 1_200;
const SEED: u64 = 2026;
const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;
/// How fast the chance of still being open falls with a report's age, in days: a center keeps
/// a few weeks of work on its lists.
const OPEN_DAYS: f64 = 15.0;
/// The district whose grids have staff (`demo_network`): its grids weigh more, so the named
/// logins' desks are busy.
const STAFFED_COUNTY: &str = "420202";
/// The named logins the newest incidents are placed on (see `demo::DEMO_USERS`): the grid
/// worker's grids, the town center, and the district's urban management bureau.
pub const SHOWCASE_WORKER: &str = "grid-worker";
pub const SHOWCASE_CENTER: &str = "town-op";
pub const SHOWCASE_DEPARTMENT: &str = "dept-420202-cg";
/// The newest incidents' fates, oldest first: one of each open state on the showcase logins.
const SHOWCASE: [Fate; 8] = [
    Fate::UnderReview,
    Fate::Handled,
    Fate::InProgress,
    Fate::InProgress,
    Fate::Dispatched,
    Fate::Dispatched,
    Fate::Accepted,
    Fate::Reported,
];

/// A department serving a place, with its handler.
struct Dept {
    id: String,
    sector: String,
    handler: Actor,
}

/// A grid with who works there.
struct Place {
    grid_id: String,
    /// `<village code>-<grid code>`, the party book's key.
    key: String,
    county: String,
    points: Vec<LngLat>,
    staff: Vec<Actor>,
    /// The deepest center over the grid.
    center: Actor,
    departments: Vec<usize>,
}

/// Everything the walks stand on.
struct Ground {
    places: Vec<Place>,
    depts: Vec<Dept>,
    categories: Vec<GroundCategory>,
}

/// Seeds the incidents unless the database has some. Returns how many were made.
pub async fn ensure(store: &Store, book: &PartyBook) -> Result<u64> {
    let sys = Actor::system();
    let any = store
        .incidents(
            &sys,
            &IncidentFilter {
                limit: Some(1),
                ..IncidentFilter::default()
            },
        )
        .await?;
    if !any.items.is_empty() {
        return Ok(0);
    }
    let started = Instant::now();
    let end = store.now_ms();
    let clock = Arc::new(FixedClock::new(end));
    let clocked = store.with_clock(clock.clone());
    let mut rng = StdRng::seed_from_u64(SEED);
    let ground = ground(store, &mut rng).await?;
    let plans = plan(&ground, end, &mut rng)?;
    let bar = crate::progress::counter(plans.len() as u64, "incidents / 事件");
    // Open incidents by county, for merging a duplicate report into.
    let mut open: HashMap<String, Vec<String>> = HashMap::new();
    for (n, p) in plans.iter().enumerate() {
        let mut walk = Walk {
            store: &clocked,
            clock: &clock,
            ground: &ground,
            place: &ground.places[p.place],
            category: &ground.categories[p.category],
            now: p.at,
            end,
            pace: ((end - p.at) as f64 / (14 * DAY) as f64).clamp(0.0005, 1.0),
            tasks: Vec::new(),
            lead: p.lead,
            rng: &mut rng,
        };
        let inc = walk
            .run(p.fate, book, open.get(&walk.place.county))
            .await
            .with_context(|| format!("seeding demo incident {n}"))?;
        if !matches!(
            inc.state.as_str(),
            "closed" | "evaluated" | "rejected" | "merged"
        ) {
            open.entry(inc.county_code.clone())
                .or_default()
                .push(inc.number.clone());
        }
        bar.set_position(n as u64 + 1);
    }
    bar.finish_and_clear();
    tracing::info!(
        incidents = plans.len(),
        secs = started.elapsed().as_secs_f64(),
        "demo incidents recorded"
    );
    Ok(plans.len() as u64)
}

/// Loads the grids, departments, centers and categories, with an actor for each user.
async fn ground(store: &Store, rng: &mut StdRng) -> Result<Ground> {
    let sys = Actor::system();
    let bulk = store.bulk_ground(&sys).await?;
    let actors: HashMap<String, Actor> = store
        .list_users(&sys, None, 100_000, 0)
        .await?
        .into_iter()
        .map(|u| (u.id.clone(), u.actor()))
        .collect();
    let actor = |id: &str| {
        actors
            .get(id)
            .cloned()
            .with_context(|| format!("no user {id}"))
    };
    let mut keys = HashMap::new();
    loop {
        let page = store
            .grids(
                &sys,
                &GridFilter {
                    limit: 5000,
                    offset: keys.len() as i64,
                    ..GridFilter::default()
                },
            )
            .await?;
        let done = page.len() < 5000;
        for r in page {
            keys.insert(
                r.grid.id.clone(),
                format!("{}-{}", r.grid.region_code, r.grid.code),
            );
        }
        if done {
            break;
        }
    }
    let mut depts = Vec::new();
    let mut dept_paths = Vec::new();
    for d in &bulk.departments {
        if let Some(h) = d.handlers.first() {
            depts.push(Dept {
                id: d.id.clone(),
                sector: d.sector.clone(),
                handler: actor(&h.id)?,
            });
            dept_paths.push(d.path.clone());
        }
    }
    let mut places = Vec::with_capacity(bulk.grids.len());
    for g in &bulk.grids {
        let Some(center) = bulk
            .centers
            .iter()
            .filter(|c| g.path.starts_with(&c.path))
            .max_by_key(|c| c.path.len())
        else {
            continue;
        };
        let mut points = Vec::new();
        if let Some([x0, y0, x1, y1]) = g.bbox {
            for _ in 0..3 {
                let p = LngLat::new(
                    x0 + (x1 - x0) * rng.gen_range(0.2..0.8),
                    y0 + (y1 - y0) * rng.gen_range(0.2..0.8),
                );
                // Six decimals, as a phone's position gives them.
                let p = LngLat::new((p.lng * 1e6).round() / 1e6, (p.lat * 1e6).round() / 1e6);
                if let Some(found) = store.locate(&sys, p).await?
                    && found.grid.grid.id == g.id
                {
                    points.push(p);
                }
            }
        }
        places.push(Place {
            grid_id: g.id.clone(),
            key: keys.get(&g.id).cloned().unwrap_or_default(),
            county: g.county_code.clone(),
            points,
            staff: g
                .staff
                .iter()
                .map(|u| actor(&u.id))
                .collect::<Result<_>>()?,
            center: actor(&center.user.id)?,
            departments: (0..depts.len())
                .filter(|i| g.path.starts_with(&dept_paths[*i]))
                .collect(),
        });
    }
    if places.is_empty() {
        anyhow::bail!("the demo has no grids with a center to seed incidents on");
    }
    // Categories whose result needs a photo are left out: the demo uploads no files.
    let categories: Vec<GroundCategory> = bulk
        .categories
        .iter()
        .filter(|c| {
            !c.evidence_required
                && (c.code.len() > 2
                    || !bulk
                        .categories
                        .iter()
                        .any(|x| x.code.len() > 2 && x.code.starts_with(&c.code)))
        })
        .cloned()
        .collect();
    if categories.is_empty() {
        anyhow::bail!("the demo has no incident categories to seed incidents with");
    }
    Ok(Ground {
        places,
        depts,
        categories,
    })
}

/// One incident to make: when, where, what, and what becomes of it.
struct Plan {
    at: i64,
    place: usize,
    category: usize,
    fate: Fate,
    /// The lead department when it is chosen beforehand (the showcase's).
    lead: Option<usize>,
}

/// The year's reports in time order, the newest on the showcase logins.
fn plan(g: &Ground, end: i64, rng: &mut StdRng) -> Result<Vec<Plan>> {
    let grid_pick = WeightedIndex::new(g.places.iter().map(|p| {
        let skew: f64 = rng.gen_range(0.3_f64..1.8).powi(2);
        skew * if p.county == STAFFED_COUNTY { 8.0 } else { 1.0 }
    }))
    .context("weighing the grids")?;
    let mut rank: HashMap<&str, usize> = HashMap::new();
    let cat_pick = WeightedIndex::new(g.categories.iter().map(|c| {
        let r = rank.entry(&c.code[..2]).or_default();
        *r += 1;
        class_weight(&c.code) / (*r as f64)
    }))
    .context("weighing the categories")?;
    let hour_pick = WeightedIndex::new(HOURS).context("weighing the hours")?;
    let start = end - 365 * DAY;
    let weekday = |t: i64| (t + 8 * HOUR).div_euclid(DAY).rem_euclid(7); // 4 = Thursday
    let mut times: Vec<i64> = Vec::with_capacity(INCIDENTS);
    while times.len() < INCIDENTS - SHOWCASE.len() {
        let day = start + rng.gen_range(0..365) * DAY;
        let day = day - (day + 8 * HOUR).rem_euclid(DAY);
        // Weekends (Saturday 2, Sunday 3 days after Thursday) are quieter.
        if matches!(weekday(day), 2 | 3) && rng.gen_bool(0.3) {
            continue;
        }
        let t = day + hour_pick.sample(rng) as i64 * HOUR + rng.gen_range(0..HOUR);
        if t < end - 6 * HOUR {
            times.push(t);
        }
    }
    times.sort_unstable();
    let mut plans: Vec<Plan> = times
        .into_iter()
        .map(|at| Plan {
            at,
            place: grid_pick.sample(rng),
            category: cat_pick.sample(rng),
            fate: fate(end - at, OPEN_DAYS, rng),
            lead: None,
        })
        .collect();
    plans.extend(showcase(g, end, rng));
    Ok(plans)
}

/// The newest incidents, an hour or two apart in the last hours: on the showcase worker's grids,
/// of a category the showcase department serves, led by it.
fn showcase(g: &Ground, end: i64, rng: &mut StdRng) -> Vec<Plan> {
    let places: Vec<usize> = (0..g.places.len())
        .filter(|i| {
            g.places[*i]
                .staff
                .iter()
                .any(|a| a.username == SHOWCASE_WORKER)
                && g.places[*i].center.username == SHOWCASE_CENTER
        })
        .collect();
    let lead = g
        .depts
        .iter()
        .position(|d| d.handler.username == SHOWCASE_DEPARTMENT);
    let category = lead
        .and_then(|d| {
            g.categories
                .iter()
                .position(|c| c.sectors.split(',').any(|s| s == g.depts[d].sector))
        })
        .unwrap_or(0);
    if places.is_empty() {
        return Vec::new();
    }
    SHOWCASE
        .iter()
        .enumerate()
        .map(|(k, f)| Plan {
            at: end - (6 * HOUR) + k as i64 * 40 * MINUTE + rng.gen_range(0..20 * MINUTE),
            place: places[k % places.len()],
            category,
            fate: *f,
            lead,
        })
        .collect()
}

/// Who holds a task and how far it got.
#[derive(Clone, PartialEq, Eq)]
enum Step {
    Assigned,
    Started,
    Done,
}

struct Task {
    worker: Actor,
    step: Step,
}

/// One incident being walked.
struct Walk<'a> {
    store: &'a Store,
    clock: &'a FixedClock,
    ground: &'a Ground,
    place: &'a Place,
    category: &'a GroundCategory,
    now: i64,
    end: i64,
    /// Recent reports are walked faster, so nothing happens after `end`.
    pace: f64,
    tasks: Vec<Task>,
    lead: Option<usize>,
    rng: &'a mut StdRng,
}

fn action(code: &str) -> ActionInput {
    ActionInput {
        action: code.to_owned(),
        ..ActionInput::default()
    }
}

fn reasoned(code: &str, reason: &str) -> ActionInput {
    ActionInput {
        reason: reason.to_owned(),
        ..action(code)
    }
}

impl Walk<'_> {
    /// Moves the clock on by `lo`–`hi` minutes at the walk's pace (never past `end`).
    fn wait(&mut self, lo: i64, hi: i64) {
        let step = (self.rng.gen_range(lo * MINUTE..=hi * MINUTE) as f64 * self.pace) as i64;
        self.now = (self.now + step.max(1_000)).min(self.end - 1_000);
        self.clock.set_ms(self.now);
    }

    async fn act(
        &mut self,
        inc: &mut IncidentView,
        who: &Actor,
        mut input: ActionInput,
    ) -> Result<()> {
        input.version = inc.version;
        *inc = self
            .store
            .act_on_incident(who, &inc.county_code, &inc.id, &input)
            .await
            .with_context(|| format!("{} by {}", input.action, who.username))?;
        Ok(())
    }

    async fn report(&mut self, book: &PartyBook) -> Result<(IncidentView, Actor)> {
        let mut source = pick(&SOURCES, self.rng);
        let reporter = match source {
            "grid_patrol" => match self.place.staff.choose(self.rng) {
                Some(a) => a.clone(),
                None => {
                    source = "hotline_12345";
                    self.place.center.clone()
                }
            },
            "department" => match self.place.departments.choose(self.rng) {
                Some(d) => self.ground.depts[*d].handler.clone(),
                None => {
                    source = "citizen";
                    self.place.center.clone()
                }
            },
            _ => self.place.center.clone(),
        };
        let (title, description, address) =
            crate::incident_text::report(&self.category.code, self.rng);
        let residents = book.of_grid(&self.place.key);
        let sides: &[&str] = if self.category.code.starts_with("01") {
            &["applicant", "respondent"]
        } else if self.rng.gen_bool(0.1) {
            &["involved"]
        } else {
            &[]
        };
        let mut parties = Vec::new();
        for side in sides {
            // A resident of the grid by ID number when the book has them, else a name as told.
            let mut p = PartyInput {
                side: (*side).to_owned(),
                ..PartyInput::default()
            };
            match residents.choose(self.rng) {
                Some((id, _)) if self.rng.gen_bool(0.8) => p.id_card_no = id.clone(),
                _ => p.name = name(self.rng),
            }
            parties.push(p);
        }
        let point = self.place.points.choose(self.rng).copied();
        let input = ReportInput {
            title,
            description,
            category: self.category.code.clone(),
            source: source.to_owned(),
            occurred_at: self
                .rng
                .gen_bool(0.6)
                .then(|| self.now - self.rng.gen_range(10 * MINUTE..12 * HOUR)),
            lng: point.map(|p| p.lng),
            lat: point.map(|p| p.lat),
            grid_id: if point.is_none() {
                self.place.grid_id.clone()
            } else {
                String::new()
            },
            address,
            parties,
            ..ReportInput::default()
        };
        self.clock.set_ms(self.now);
        let inc = self
            .store
            .report_incident(&reporter, &input, None)
            .await
            .with_context(|| format!("report by {}", reporter.username))?;
        Ok((inc, reporter))
    }

    /// A department serving the place, of the category's sector when one is at hand, other than
    /// those holding a task already.
    fn department(&mut self) -> Option<usize> {
        let busy: Vec<&str> = self
            .tasks
            .iter()
            .filter(|t| t.step != Step::Done)
            .map(|t| t.worker.user_id.as_str())
            .collect();
        let free: Vec<usize> = self
            .place
            .departments
            .iter()
            .copied()
            .filter(|d| !busy.contains(&self.ground.depts[*d].handler.user_id.as_str()))
            .collect();
        let fitting: Vec<usize> = free
            .iter()
            .copied()
            .filter(|d| {
                self.category
                    .sectors
                    .split(',')
                    .any(|s| s == self.ground.depts[*d].sector)
            })
            .collect();
        if fitting.is_empty() { free } else { fitting }
            .choose(self.rng)
            .copied()
    }

    /// Dual-line dispatch: the grid (or the center's own region), and most often a lead
    /// department, now and then with an assisting one.
    async fn dispatch(&mut self, inc: &mut IncidentView, center: &Actor) -> Result<()> {
        let mut d = DispatchInput::default();
        let mut workers = Vec::new();
        match self.place.staff.choose(self.rng) {
            Some(w) => {
                d.territorial_grid = self.place.grid_id.clone();
                workers.push(w.clone());
            }
            None => {
                d.territorial_region = center
                    .scope
                    .as_str()
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                workers.push(center.clone());
            }
        }
        let lead = match self.lead {
            Some(l) => Some(l),
            None if self.rng.gen_bool(0.7) => self.department(),
            None => None,
        };
        if let Some(l) = lead {
            d.lead_department = self.ground.depts[l].id.clone();
            workers.push(self.ground.depts[l].handler.clone());
            self.tasks.push(Task {
                worker: self.ground.depts[l].handler.clone(),
                step: Step::Assigned,
            });
            if self.rng.gen_bool(0.1)
                && let Some(a) = self.department()
            {
                d.assist_departments.push(self.ground.depts[a].id.clone());
                workers.push(self.ground.depts[a].handler.clone());
            }
            self.tasks.pop();
        }
        self.wait(10, 600);
        let input = ActionInput {
            dispatch: d,
            ..action("dispatch")
        };
        self.act(inc, center, input).await?;
        self.tasks.extend(workers.into_iter().map(|worker| Task {
            worker,
            step: Step::Assigned,
        }));
        Ok(())
    }

    /// Each task not yet started is started by its worker; with `handle`, every live one is
    /// then handled.
    async fn work(&mut self, inc: &mut IncidentView, handle: bool) -> Result<()> {
        for k in 0..self.tasks.len() {
            if self.tasks[k].step == Step::Assigned {
                self.wait(10, 1_440);
                let who = self.tasks[k].worker.clone();
                self.act(inc, &who, action("start")).await?;
                self.tasks[k].step = Step::Started;
            }
        }
        if handle {
            for k in 0..self.tasks.len() {
                if self.tasks[k].step == Step::Started {
                    self.wait(60, 4_320);
                    let who = self.tasks[k].worker.clone();
                    let input = ActionInput {
                        result: crate::incident_text::result(&self.category.code, self.rng),
                        ..action("handle")
                    };
                    self.act(inc, &who, input).await?;
                    self.tasks[k].step = Step::Done;
                }
            }
        }
        Ok(())
    }

    /// Walks the incident to its fate. `open` lists the county's open incidents (by number),
    /// the ones a duplicate may be merged into.
    async fn run(
        &mut self,
        fate: Fate,
        book: &PartyBook,
        open: Option<&Vec<String>>,
    ) -> Result<IncidentView> {
        let (mut inc, reporter) = self.report(book).await?;
        let center = self.place.center.clone();
        match fate {
            Fate::Reported => return Ok(inc),
            Fate::Rejected => {
                self.wait(5, 480);
                let why = "不属于网格化服务管理事项，已告知反映人向相关单位咨询";
                self.act(&mut inc, &center, reasoned("reject", why)).await?;
                return Ok(inc);
            }
            Fate::Merged => {
                self.wait(5, 480);
                let input = match open.and_then(|o| o.last()) {
                    Some(into) => ActionInput {
                        into: into.clone(),
                        note: "同一事项重复上报，合并办理".into(),
                        ..action("merge")
                    },
                    None => reasoned("reject", "重复上报，此前已按同一事项办结"),
                };
                self.act(&mut inc, &center, input).await?;
                return Ok(inc);
            }
            _ => {}
        }
        self.wait(5, 240);
        self.act(&mut inc, &center, action("accept")).await?;
        // Sent back by a department before any work (not its remit); by the same one twice
        // now and then, which flags shirking (推诿).
        let returned =
            self.rng.gen_bool(0.05) || (fate == Fate::Accepted && self.rng.gen_bool(0.5));
        if returned
            && self.lead.is_none()
            && let Some(dep) = self.department()
        {
            let times = if self.rng.gen_bool(0.25) { 2 } else { 1 };
            let handler = self.ground.depts[dep].handler.clone();
            for _ in 0..times {
                self.wait(10, 600);
                let input = ActionInput {
                    dispatch: DispatchInput {
                        lead_department: self.ground.depts[dep].id.clone(),
                        ..DispatchInput::default()
                    },
                    ..action("dispatch")
                };
                self.act(&mut inc, &center, input).await?;
                self.wait(60, 1_440);
                let why = "经核实不属于本部门职责范围，请中心重新分派";
                self.act(&mut inc, &handler, reasoned("return_task", why))
                    .await?;
            }
        }
        if fate == Fate::Accepted {
            return Ok(inc);
        }
        self.dispatch(&mut inc, &center).await?;
        let whistle = self.rng.gen_bool(0.06);
        if fate == Fate::Dispatched {
            if whistle || self.lead.is_some() {
                self.whistle(&mut inc, &center, false).await?;
            }
            return Ok(inc);
        }
        self.work(&mut inc, false).await?;
        if whistle {
            let report_in = fate > Fate::Suspended || self.rng.gen_bool(0.6);
            self.whistle(&mut inc, &center, report_in).await?;
            self.work(&mut inc, false).await?;
        }
        match fate {
            Fate::InProgress => return Ok(inc),
            Fate::Suspended => {
                self.wait(60, 1_440);
                let why = "当事人外出务工，待其返回后继续处理";
                self.act(&mut inc, &center, reasoned("suspend", why))
                    .await?;
                return Ok(inc);
            }
            _ => {}
        }
        if self.rng.gen_bool(0.02) {
            self.wait(60, 1_440);
            self.act(
                &mut inc,
                &center,
                reasoned("suspend", "等待相关部门出具鉴定意见"),
            )
            .await?;
            self.wait(600, 4_320);
            self.act(&mut inc, &center, action("resume")).await?;
        }
        self.work(&mut inc, true).await?;
        if fate == Fate::Handled {
            return Ok(inc);
        }
        self.close(&mut inc, &center, &reporter, fate).await?;
        Ok(inc)
    }

    /// A whistle summons a department not yet on the incident; with `report_in` it answers.
    async fn whistle(
        &mut self,
        inc: &mut IncidentView,
        center: &Actor,
        report_in: bool,
    ) -> Result<()> {
        let Some(dep) = self.department() else {
            return Ok(());
        };
        self.wait(30, 600);
        let input = ActionInput {
            departments: vec![self.ground.depts[dep].id.clone()],
            report_in_hours: Some(24),
            note: "多次反映未解决，吹哨召集相关部门到场".into(),
            ..action("whistle")
        };
        self.act(inc, center, input).await?;
        let handler = self.ground.depts[dep].handler.clone();
        if report_in {
            self.wait(30, 1_200);
            self.act(inc, &handler, action("report_in")).await?;
            self.tasks.push(Task {
                worker: handler,
                step: Step::Assigned,
            });
        }
        Ok(())
    }

    /// From handled to its end: confirmed on the ground, reviewed (now and then sent back for
    /// rework), closed, rated by the reporter, and reopened after an unsatisfied rating.
    async fn close(
        &mut self,
        inc: &mut IncidentView,
        center: &Actor,
        reporter: &Actor,
        fate: Fate,
    ) -> Result<()> {
        let checker = self
            .place
            .staff
            .choose(self.rng)
            .cloned()
            .unwrap_or_else(|| center.clone());
        self.wait(30, 1_440);
        self.act(inc, &checker, action("confirm")).await?;
        if self.rng.gen_bool(0.04) {
            self.wait(60, 1_440);
            self.act(
                inc,
                center,
                reasoned("rework", "现场仍有遗留问题，请整改到位"),
            )
            .await?;
            for t in self.tasks.iter_mut().filter(|t| t.step == Step::Done) {
                t.step = Step::Started;
            }
            self.work(inc, true).await?;
            self.wait(30, 1_440);
            self.act(inc, &checker, action("confirm")).await?;
        }
        if fate == Fate::UnderReview {
            return Ok(());
        }
        self.wait(30, 1_440);
        self.act(inc, center, action("approve")).await?;
        if fate == Fate::Closed {
            return Ok(());
        }
        let rating = pick(
            &[
                ("satisfied", 82.0),
                ("basically_satisfied", 12.0),
                ("unsatisfied", 6.0),
            ],
            self.rng,
        );
        self.wait(60, 4_320);
        let input = ActionInput {
            evaluation: rating.to_owned(),
            ..action("evaluate")
        };
        self.act(inc, reporter, input).await?;
        if rating == "unsatisfied" && self.pace >= 1.0 && self.rng.gen_bool(0.6) {
            self.wait(60, 1_440);
            let why = "群众回访表示问题反弹，重新交办";
            self.act(inc, center, reasoned("reopen", why)).await?;
            self.tasks.clear();
            self.dispatch(inc, center).await?;
            self.work(inc, true).await?;
            self.wait(30, 1_440);
            self.act(inc, &checker, action("confirm")).await?;
            self.wait(30, 1_440);
            self.act(inc, center, action("approve")).await?;
            self.wait(60, 4_320);
            let input = ActionInput {
                evaluation: "basically_satisfied".into(),
                ..action("evaluate")
            };
            self.act(inc, reporter, input).await?;
        }
        Ok(())
    }
}

/// Work waiting for the showcase logins, for the demo's welcome: (username, count).
pub async fn waiting(store: &Store) -> Result<Vec<(String, i64)>> {
    let sys = Actor::system();
    let mut out = Vec::new();
    for (user, list) in [
        (SHOWCASE_WORKER, WorkList::Mine),
        (SHOWCASE_CENTER, WorkList::AwaitingAcceptance),
        (SHOWCASE_DEPARTMENT, WorkList::Mine),
    ] {
        let Ok(u) = store.user_by_username(&sys, user).await else {
            continue;
        };
        let l = store
            .incidents(
                &u.actor(),
                &IncidentFilter {
                    list,
                    limit: Some(1),
                    ..IncidentFilter::default()
                },
            )
            .await?;
        out.push((user.to_owned(), l.total));
    }
    Ok(out)
}
