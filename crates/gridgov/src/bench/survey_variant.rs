//! The second source of `bench compare`: the generated persons file as another collector would
//! hand it in, with differences injected at known rates, so the tasks a comparison raises can be
//! checked against what was put there.
//!
//! Only rows the import keeps on both sides are changed or dropped: valid rows whose key (county
//! and ID number) occurs once in the file. Rows with a fault, or listed twice, go through
//! unchanged, so they are rejected or deduplicated the same way on both sides and raise nothing.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use gridgov_core::base_data::{PersonDraft, RecordKind, templates};
use gridgov_core::ids::{PrefixStatus, Ymd, id_check_char};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Per kept row, drawn once so a row gets at most one change.
const CHANGED_PHONE: f64 = 0.02;
const CHANGED_ADDRESS: f64 = 0.01;
const MISSING_IN_SOURCE: f64 = 0.005;
/// Persons only the survey lists, per row read.
const MISSING_IN_RECORDS: f64 = 0.005;

#[derive(Debug, Default, Clone, Copy)]
pub struct Injected {
    pub phones: u64,
    pub addresses: u64,
    pub dropped: u64,
    pub added: u64,
}

/// Positions of the persons template's columns in the file.
struct Cols {
    grid: usize,
    name: usize,
    id: usize,
    gender: usize,
    birth: usize,
    ethnicity: usize,
    phone: usize,
    address: usize,
    residence: usize,
    tags: usize,
}

fn cols(header: &str) -> Result<(Cols, usize)> {
    let names: Vec<&str> = header.trim_start_matches('\u{feff}').split(',').collect();
    let at = templates::map_header(RecordKind::Persons, &names)
        .map_err(|e| anyhow::anyhow!("persons header: {e:?}"))?;
    let keys = RecordKind::Persons.columns();
    let find = |key: &str| -> Result<usize> {
        keys.iter()
            .position(|c| c.key == key)
            .and_then(|i| at.get(i).copied().flatten())
            .with_context(|| format!("the persons file has no column {key}"))
    };
    Ok((
        Cols {
            grid: find("grid")?,
            name: find("name")?,
            id: find("id_card_no")?,
            gender: find("gender")?,
            birth: find("birth_date")?,
            ethnicity: find("ethnicity")?,
            phone: find("phone")?,
            address: find("registered_address")?,
            residence: find("residence_type")?,
            tags: find("tags")?,
        },
        names.len(),
    ))
}

/// The import's dedupe key: the grid's county and the ID number.
fn key(f: &[&str], c: &Cols) -> u64 {
    let mut h = DefaultHasher::new();
    f[c.grid].get(..6).hash(&mut h);
    f[c.id].hash(&mut h);
    h.finish()
}

/// Writes the survey beside the records file and says what it changed.
pub fn write(records: &Path, out: &Path, seed: u64, today: Ymd) -> Result<Injected> {
    let open = || -> Result<BufReader<std::fs::File>> {
        let f = std::fs::File::open(records)
            .with_context(|| format!("opening {}", records.display()))?;
        Ok(BufReader::with_capacity(1 << 20, f))
    };
    // First pass: how often each key occurs.
    let mut seen: HashMap<u64, u32> = HashMap::new();
    let mut lines = open()?.lines();
    let header = lines.next().context("empty persons file")??;
    let (c, width) = cols(&header)?;
    for line in lines {
        let line = line?;
        let f: Vec<&str> = line.split(',').collect();
        if f.len() == width {
            *seen.entry(key(&f, &c)).or_default() += 1;
        }
    }
    let file = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    writeln!(w, "{header}")?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_cafe);
    let mut n = Injected::default();
    for line in open()?.lines().skip(1) {
        let line = line?;
        let mut f: Vec<String> = line.split(',').map(str::to_owned).collect();
        if rng.gen_bool(MISSING_IN_RECORDS) && f.len() == width {
            let added = new_person(&f, &c, width, n.added)?;
            writeln!(w, "{}", added.join(","))?;
            n.added += 1;
        }
        let kept = f.len() == width && {
            let refs: Vec<&str> = f.iter().map(String::as_str).collect();
            seen.get(&key(&refs, &c)) == Some(&1) && valid(&refs, &c, today)
        };
        if kept {
            let draw: f64 = rng.r#gen();
            if draw < CHANGED_PHONE {
                f[c.phone] = other_phone(&f[c.phone], &mut rng);
                n.phones += 1;
            } else if draw < CHANGED_PHONE + CHANGED_ADDRESS {
                f[c.address] = format!("{}附1", f[c.address]);
                n.addresses += 1;
            } else if draw < CHANGED_PHONE + CHANGED_ADDRESS + MISSING_IN_SOURCE {
                n.dropped += 1;
                continue;
            }
        }
        writeln!(w, "{}", f.join(","))?;
    }
    w.flush()?;
    Ok(n)
}

fn valid(f: &[&str], c: &Cols, today: Ymd) -> bool {
    PersonDraft {
        name: f[c.name],
        id_card_no: f[c.id],
        gender: f[c.gender],
        birth_date: f[c.birth],
        ethnicity: f[c.ethnicity],
        phone: f[c.phone],
        registered_address: f[c.address],
        residence_type: f[c.residence],
        tags: f[c.tags],
    }
    .check(today, |_| PrefixStatus::Current)
    .is_ok()
}

fn other_phone(phone: &str, rng: &mut StdRng) -> String {
    match phone.as_bytes().last() {
        Some(d) if phone.len() == 11 => {
            let next = (d - b'0' + 1) % 10;
            format!("{}{next}", &phone[..10])
        }
        _ => format!("13{:09}", rng.gen_range(0..1_000_000_000u64)),
    }
}

/// A person born in 2025, which the generator never does, so the number cannot be in the
/// records: the `k`-th newcomer, in the grid of the row it follows.
fn new_person(f: &[String], c: &Cols, width: usize, k: u64) -> Result<Vec<String>> {
    let slot = k / 1000;
    if slot >= 12 * 28 {
        bail!("too many newcomers for one birth year: lower the rate or the size");
    }
    let (month, day, seq) = (1 + slot / 28, 1 + slot % 28, k % 1000);
    let county = f[c.grid]
        .get(..6)
        .context("a grid key without its village code")?;
    let first = format!("{county}2025{month:02}{day:02}{seq:03}");
    let check = id_check_char(&first).unwrap_or('0');
    let mut row = vec![String::new(); width];
    row[c.grid] = f[c.grid].clone();
    row[c.name] = f[c.name].clone();
    row[c.id] = format!("{first}{check}");
    row[c.address] = "新迁入".to_owned();
    row[c.residence] = "户籍".to_owned();
    Ok(row)
}
