//! `gridgov bench gen`: a synthetic city's base data on the grids of a database (the demo's by
//! default), as the import templates' CSV files: buildings, houses, persons and who lives where.
//!
//! Realistic in the ways imports care about: valid ID numbers on real county codes (registered
//! residents born where their grid is, floating residents from anywhere in the country),
//! families sharing a house, rented houses holding floating residents, and faults injected at
//! known rates (a wrong check digit, an impossible birth date, a person listed twice, a phone
//! missing a digit), counted in `gen.json` so an import can be checked against them.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use gridgov_core::auth::Actor;
use gridgov_core::base_data::RecordKind;
use gridgov_core::ids::id_check_char;
use gridgov_store::Store;
use gridgov_store::grids::GridFilter;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::demo_network::{GIVEN, SURNAMES};

/// Fault rates, per person row.
const WRONG_CHECK_DIGIT: f64 = 0.002;
const IMPOSSIBLE_BIRTH_DATE: f64 = 0.0005;
const LISTED_TWICE: f64 = 0.001;
const SHORT_PHONE: f64 = 0.001;
/// Houses a building holds (7 floors × 2 units × 3 a landing).
const HOUSES_PER_BUILDING: usize = 42;

pub struct GenArgs {
    pub persons: usize,
    pub houses: usize,
    pub out: PathBuf,
    pub seed: u64,
    pub counties_csv: Option<PathBuf>,
}

struct Grid {
    key: String,
    county: String,
    county_name: String,
    village_name: String,
    weight: f64,
}

#[derive(Default)]
struct Counts {
    buildings: usize,
    houses: usize,
    persons: usize,
    links: usize,
    wrong_check_digit: usize,
    impossible_birth_date: usize,
    listed_twice: usize,
    short_phone: usize,
    floating: usize,
}

pub async fn run(store: &Store, args: &GenArgs) -> Result<()> {
    let started = Instant::now();
    let grids = load_grids(store).await?;
    let counties = load_counties(args.counties_csv.as_deref(), &grids)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut w = Writers::create(&args.out)?;
    let mut rng = StdRng::seed_from_u64(args.seed);
    let mut c = Counts::default();
    let total_weight: f64 = grids.iter().map(|g| g.weight).sum();
    // Persons per occupied house (8 % of houses stand empty).
    let per_house = args.persons as f64 / (args.houses as f64 * 0.92).max(1.0);
    let mut seen_ids: Vec<(String, String)> = Vec::new();
    let mut issued: HashSet<u64> = HashSet::new();
    let bar = crate::progress::counter(args.persons as u64, "persons");
    for g in &grids {
        let houses = ((args.houses as f64) * g.weight / total_weight).round() as usize;
        let buildings = houses.div_ceil(HOUSES_PER_BUILDING);
        for b in 0..buildings {
            let code = format!("B{:03}", b + 1);
            let street = 1 + rng.gen_range(0..99);
            w.line(
                BUILDINGS,
                &[
                    &g.key,
                    &code,
                    &format!(
                        "{}{}路{}号",
                        g.village_name,
                        ["建设", "人民", "和平", "新华"][b % 4],
                        street
                    ),
                    "7",
                    "2",
                    "",
                ],
            )?;
            c.buildings += 1;
            let in_building = HOUSES_PER_BUILDING.min(houses - b * HOUSES_PER_BUILDING);
            for h in 0..in_building {
                let unit = 1 + h / 21;
                let number = format!("{}{:02}", 1 + (h % 21) / 3, 1 + h % 3);
                let use_ = pick_use(&mut rng);
                w.line(
                    HOUSES,
                    &[
                        &g.key,
                        &code,
                        &unit.to_string(),
                        &number,
                        use_,
                        &format!("{:.1}", rng.gen_range(45.0..140.0)),
                    ],
                )?;
                c.houses += 1;
                if use_ == "空置" || c.persons >= args.persons {
                    continue;
                }
                let size = family_size(&mut rng, per_house).min(args.persons - c.persons);
                for member in 0..size {
                    let floating = use_ == "出租" && rng.gen_bool(0.85) || rng.gen_bool(0.05);
                    c.floating += usize::from(floating);
                    let (origin, origin_name) = if floating {
                        let (c, n) = &counties[rng.gen_range(0..counties.len())];
                        (c.as_str(), n.as_str())
                    } else {
                        (g.county.as_str(), g.county_name.as_str())
                    };
                    let (id, year, month, day, female) =
                        make_id(&mut rng, &mut issued, origin, member);
                    let mut id = id;
                    let mut birth = format!("{year:04}-{month:02}-{day:02}");
                    let name = make_name(&mut rng);
                    if rng.gen_bool(WRONG_CHECK_DIGIT) {
                        id = wrong_check(&id);
                        c.wrong_check_digit += 1;
                    } else if rng.gen_bool(IMPOSSIBLE_BIRTH_DATE) {
                        // The 31st of a 30-day month, written into the number and the column.
                        let bad = format!("{}{year:04}0431{}", &id[..6], &id[14..17]);
                        id = format!("{bad}{}", id_check_char(&bad).unwrap_or('0'));
                        birth = format!("{year:04}-04-31");
                        c.impossible_birth_date += 1;
                    }
                    let mut phone = if rng.gen_bool(0.75) {
                        format!(
                            "1{}{:09}",
                            [3, 5, 7, 8, 9][rng.gen_range(0..5)],
                            rng.gen_range(0..1_000_000_000u64)
                        )
                    } else {
                        String::new()
                    };
                    if !phone.is_empty() && rng.gen_bool(SHORT_PHONE) {
                        phone.pop();
                        c.short_phone += 1;
                    }
                    let residence = if floating { "流动" } else { "户籍" };
                    let address = format!("{origin_name}人民路{}号", rng.gen_range(1..300));
                    let relation = ["本人", "配偶", "子女", "子女", "父母", "其他"][member.min(5)];
                    let row = [
                        g.key.as_str(),
                        &name,
                        &id,
                        if female { "女" } else { "男" },
                        &birth,
                        if rng.gen_bool(0.97) {
                            "汉族"
                        } else {
                            "土家族"
                        },
                        &phone,
                        &address,
                        residence,
                        "",
                    ];
                    w.line(PERSONS, &row)?;
                    c.persons += 1;
                    if seen_ids.len() < 10_000 && rng.gen_bool(0.01) {
                        seen_ids.push((id.clone(), name.clone()));
                    }
                    // Listed again later by another collector: the same person, once more.
                    if !seen_ids.is_empty() && rng.gen_bool(LISTED_TWICE) {
                        let (dup_id, dup_name) = &seen_ids[rng.gen_range(0..seen_ids.len())];
                        let mut again = row;
                        again[1] = dup_name;
                        again[2] = dup_id;
                        w.line(PERSONS, &again)?;
                        c.listed_twice += 1;
                    }
                    let since = format!(
                        "{}-{:02}-01",
                        rng.gen_range(1990..2026),
                        rng.gen_range(1..13)
                    );
                    w.line(
                        LINKS,
                        &[
                            &id,
                            &g.key,
                            &code,
                            &unit.to_string(),
                            &number,
                            relation,
                            &since,
                        ],
                    )?;
                    c.links += 1;
                }
                bar.set_position(c.persons as u64);
            }
        }
    }
    bar.finish_and_clear();
    w.flush()?;
    if c.persons < args.persons {
        bail!(
            "only {} of {} persons found a house: raise --houses",
            c.persons,
            args.persons
        );
    }
    let manifest = json!({
        "seed": args.seed, "grids": grids.len(), "buildings": c.buildings, "houses": c.houses,
        "persons": c.persons, "person_rows": c.persons + c.listed_twice, "links": c.links,
        "floating": c.floating,
        "faults": {
            "wrong_check_digit": c.wrong_check_digit,
            "impossible_birth_date": c.impossible_birth_date,
            "listed_twice": c.listed_twice,
            "short_phone": c.short_phone,
        },
    });
    std::fs::write(
        args.out.join("gen.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    println!(
        "{} grids: {} buildings, {} houses, {} persons ({} floating), {} links in {:.1} s → {}",
        grids.len(),
        c.buildings,
        c.houses,
        c.persons,
        c.floating,
        c.links,
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    println!(
        "faults injected: {} wrong check digits, {} impossible birth dates, {} persons listed \
         twice, {} short phones (counts in gen.json)",
        c.wrong_check_digit, c.impossible_birth_date, c.listed_twice, c.short_phone
    );
    Ok(())
}

async fn load_grids(store: &Store) -> Result<Vec<Grid>> {
    let mut out = Vec::new();
    loop {
        let page = store
            .grids(
                &Actor::system(),
                &GridFilter {
                    limit: 5000,
                    offset: out.len() as i64,
                    ..Default::default()
                },
            )
            .await?;
        let done = page.len() < 5000;
        out.extend(page.into_iter().map(|r| Grid {
            key: format!("{}-{}", r.grid.region_code, r.grid.code),
            county: r.grid.county_code.clone(),
            county_name: String::new(),
            village_name: r.region_name.clone(),
            weight: r.grid.household_target as f64,
        }));
        if done {
            break;
        }
    }
    if out.is_empty() {
        bail!("the database has no grids: run `gridgov demo` once, or import grids, first");
    }
    let mut codes: Vec<&str> = out.iter().map(|g| g.county.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let names = store.region_names(&Actor::system(), &codes).await?;
    for g in &mut out {
        g.county_name = names.get(&g.county).cloned().unwrap_or_default();
    }
    Ok(out)
}

/// Counties people come from, (code, name): the national list (`code,name,…` as the
/// statistical bureau's `areas.csv`) when given, else the grids' own counties.
fn load_counties(csv: Option<&Path>, grids: &[Grid]) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = match csv {
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("reading {}", p.display()))?
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split(',');
                let code = f.next()?;
                let name = f.next()?.trim_matches('"');
                (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| (code.to_owned(), name.to_owned()))
            })
            .collect(),
        None => grids
            .iter()
            .map(|g| (g.county.clone(), g.county_name.clone()))
            .collect(),
    };
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        bail!("no county codes to give people");
    }
    Ok(out)
}

fn pick_use(rng: &mut StdRng) -> &'static str {
    match rng.gen_range(0..100) {
        0..70 => "自住",
        70..88 => "出租",
        88..96 => "空置",
        _ => "经营",
    }
}

/// Between one and six people, around the mean the sizes ask for.
fn family_size(rng: &mut StdRng, mean: f64) -> usize {
    let lo = mean.floor().max(1.0);
    let n = if rng.gen_bool((mean - lo).clamp(0.0, 1.0)) {
        lo + 1.0
    } else {
        lo
    };
    let jitter: i64 = rng.gen_range(-1..=1);
    (n as i64 + jitter).clamp(1, 6) as usize
}

/// A valid ID number: region, birth date, sequence (odd for men), check character.
/// A number nobody else in the city has: millions of residents born in a handful of counties
/// would otherwise share numbers by chance (about one in seventy at 2.5 million), which real
/// numbers never do, and every such pair would count as an unplanned duplicate.
fn make_id(
    rng: &mut StdRng,
    issued: &mut HashSet<u64>,
    county: &str,
    member: usize,
) -> (String, i32, u32, u32, bool) {
    loop {
        let year = match member {
            0 | 1 => rng.gen_range(1945..2000),
            2 | 3 => rng.gen_range(1975..2024),
            _ => rng.gen_range(1930..1970),
        };
        let month = rng.gen_range(1..=12u32);
        let day = rng.gen_range(1..=28u32);
        let female = rng.gen_bool(0.49);
        let seq = rng.gen_range(0..500u32) * 2 + u32::from(!female);
        let first = format!("{county}{year:04}{month:02}{day:02}{seq:03}");
        if !first.parse::<u64>().is_ok_and(|n| issued.insert(n)) {
            continue;
        }
        let check = id_check_char(&first).unwrap_or('0');
        return (format!("{first}{check}"), year, month, day, female);
    }
}

fn wrong_check(id: &str) -> String {
    let last = id.chars().last().unwrap_or('0');
    let other = if last == '1' { '2' } else { '1' };
    format!("{}{other}", &id[..17])
}

fn make_name(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.gen_range(0..SURNAMES.len())],
        GIVEN[rng.gen_range(0..GIVEN.len())]
    )
}

const BUILDINGS: usize = 0;
const HOUSES: usize = 1;
const PERSONS: usize = 2;
const LINKS: usize = 3;

/// The four files, each with the template's Chinese header.
struct Writers {
    files: [BufWriter<std::fs::File>; 4],
}

impl Writers {
    fn create(dir: &Path) -> Result<Writers> {
        let open = |kind: RecordKind| -> Result<BufWriter<std::fs::File>> {
            let path = dir.join(format!("{}.csv", kind.as_str()));
            let f = std::fs::File::create(&path)
                .with_context(|| format!("creating {}", path.display()))?;
            let mut w = BufWriter::with_capacity(1 << 20, f);
            let header = gridgov_store::base::template_csv(kind);
            w.write_all(header.lines().next().unwrap_or_default().as_bytes())?;
            w.write_all(b"\n")?;
            Ok(w)
        };
        Ok(Writers {
            files: [
                open(RecordKind::Buildings)?,
                open(RecordKind::Houses)?,
                open(RecordKind::Persons)?,
                open(RecordKind::Links)?,
            ],
        })
    }

    /// One CSV line. Generated values hold no commas, quotes or line breaks.
    fn line(&mut self, which: usize, fields: &[&str]) -> Result<()> {
        let w = &mut self.files[which];
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            w.write_all(f.as_bytes())?;
        }
        w.write_all(b"\n")?;
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        for f in &mut self.files {
            f.flush()?;
        }
        Ok(())
    }
}
