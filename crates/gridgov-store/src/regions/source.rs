//! Reading region files: the statistical bureau's layout (a directory of `provinces.csv`,
//! `cities.csv`, `areas.csv`, `streets.csv`, `villages.csv[.gz]`) and the plain layout
//! `level,code,parent_code,name` of the civil-affairs list (also used for the demo city).
//! Columns are found by header name, so their order does not matter.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use gridgov_core::FieldError;
use gridgov_core::regions::{RegionLevel, parse_region_name};

use crate::{RowError, StoreError, StoreResult};

/// At most this many row errors are collected before reading stops.
pub const MAX_ERRORS: usize = 200;

/// One region as read, before it is checked against the others and the database.
#[derive(Debug, Clone)]
pub struct SourceRow {
    pub file: std::sync::Arc<str>,
    pub line: u64,
    pub level: RegionLevel,
    /// Canonical code (level length).
    pub code: String,
    pub name: String,
    /// The parent as written; resolved against the known codes later.
    pub parent_raw: Option<String>,
}

/// The NBS files in load order: file stem, level, name of the parent column.
const NBS_FILES: [(&str, RegionLevel, Option<&str>); 5] = [
    ("provinces", RegionLevel::Province, None),
    ("cities", RegionLevel::City, Some("provinceCode")),
    ("areas", RegionLevel::County, Some("cityCode")),
    ("streets", RegionLevel::Township, Some("areaCode")),
    ("villages", RegionLevel::Village, Some("streetCode")),
];

/// Where regions are read from.
#[derive(Debug, Clone)]
pub enum RegionSource {
    /// A directory in the statistical layout, or one plain CSV file (optionally gzipped).
    Path(std::path::PathBuf),
    /// A plain CSV built into the binary (the demo city).
    Embedded {
        name: &'static str,
        bytes: &'static [u8],
    },
}

/// What reading a source gave: the rows that parsed, and the rows that did not.
pub struct SourceRead {
    pub rows: Vec<SourceRow>,
    pub errors: Vec<RowError>,
}

/// Reads a source, keeping the bad rows beside the good ones, so that an import can check the
/// good ones too and report every fault at once. Fails only when the source cannot be read.
pub fn read_region_source_all(src: &RegionSource) -> StoreResult<SourceRead> {
    match src {
        RegionSource::Path(p) => read_path_all(p),
        RegionSource::Embedded { name, bytes } => {
            let (mut rows, mut errors) = (Vec::new(), Vec::new());
            read_plain(name, Box::new(*bytes), &mut rows, &mut errors);
            Ok(SourceRead { rows, errors })
        }
    }
}

/// Reads a directory in the statistical layout, or one plain CSV file (optionally gzipped).
fn read_path_all(path: &Path) -> StoreResult<SourceRead> {
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    if path.is_dir() {
        let mut found = 0;
        for (stem, level, parent_col) in NBS_FILES {
            let plain = path.join(format!("{stem}.csv"));
            let gz = path.join(format!("{stem}.csv.gz"));
            let (file, reader): (_, Box<dyn Read>) = if plain.is_file() {
                (plain.clone(), Box::new(File::open(&plain)?))
            } else if gz.is_file() {
                (
                    gz.clone(),
                    Box::new(flate2::read::GzDecoder::new(File::open(&gz)?)),
                )
            } else {
                continue;
            };
            found += 1;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            read_nbs(&name, reader, level, parent_col, &mut rows, &mut errors);
        }
        if found == 0 {
            return Err(StoreError::Config(format!(
                "{} has none of provinces.csv, cities.csv, areas.csv, streets.csv, villages.csv(.gz)",
                path.display()
            )));
        }
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = File::open(path)?;
        let reader: Box<dyn Read> = if name.ends_with(".gz") {
            Box::new(flate2::read::GzDecoder::new(file))
        } else {
            Box::new(file)
        };
        read_plain(&name, reader, &mut rows, &mut errors);
    }
    Ok(SourceRead { rows, errors })
}

fn csv_reader(r: Box<dyn Read>) -> csv::Reader<BufReader<Box<dyn Read>>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(BufReader::with_capacity(1 << 20, r))
}

/// Index of each wanted column, or one error per missing column.
fn columns(
    file: &str,
    rdr: &mut csv::Reader<BufReader<Box<dyn Read>>>,
    wanted: &[&str],
    errors: &mut Vec<RowError>,
) -> Option<Vec<usize>> {
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(csv_error(file, &e));
            return None;
        }
    };
    let mut idx = Vec::new();
    for w in wanted {
        match headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == *w)
        {
            Some(i) => idx.push(i),
            None => errors.push(RowError {
                file: file.to_owned(),
                line: 1,
                field: (*w).to_owned(),
                value: headers.iter().collect::<Vec<_>>().join(","),
                zh: format!("缺少列 {w}"),
                en: format!("missing column {w}"),
            }),
        }
    }
    (idx.len() == wanted.len()).then_some(idx)
}

fn csv_error(file: &str, e: &csv::Error) -> RowError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    RowError {
        file: file.to_owned(),
        line,
        field: "(csv)".into(),
        value: String::new(),
        zh: format!("CSV 格式错误: {e}"),
        en: format!("malformed CSV: {e}"),
    }
}

/// A region file never has line breaks inside a field; one means a quote was left open and the
/// rest of the file was swallowed into a field. Say so instead of blaming the field.
fn quote_runs_on(file: &str, line: u64, rec: &csv::StringRecord) -> Option<RowError> {
    rec.iter()
        .any(|f| f.contains(['\n', '\r']))
        .then(|| RowError {
            file: file.to_owned(),
            line,
            field: "(csv)".into(),
            value: String::new(),
            zh: "引号未闭合：字段跨越了多行".into(),
            en: "unclosed quote: a field runs across lines".into(),
        })
}

fn read_nbs(
    file: &str,
    reader: Box<dyn Read>,
    level: RegionLevel,
    parent_col: Option<&str>,
    rows: &mut Vec<SourceRow>,
    errors: &mut Vec<RowError>,
) {
    let mut rdr = csv_reader(reader);
    let mut wanted = vec!["code", "name"];
    wanted.extend(parent_col);
    let Some(idx) = columns(file, &mut rdr, &wanted, errors) else {
        return;
    };
    let file: std::sync::Arc<str> = file.into();
    each_record(&file, &mut rdr, errors, |line, rec, errors| {
        let get = |i: usize| rec.get(idx[i]).unwrap_or("");
        let parent = parent_col.map(|_| get(2).trim().to_owned());
        push_row(&file, line, level, get(0), get(1), parent, rows, errors);
    });
}

/// Calls `f` with the line and the record, for every record
/// until the file ends, the CSV breaks, or too many errors have been collected.
fn each_record(
    file: &std::sync::Arc<str>,
    rdr: &mut csv::Reader<BufReader<Box<dyn Read>>>,
    errors: &mut Vec<RowError>,
    mut f: impl FnMut(u64, &csv::StringRecord, &mut Vec<RowError>),
) {
    let mut rec = csv::StringRecord::new();
    while errors.len() < MAX_ERRORS {
        match rdr.read_record(&mut rec) {
            Ok(false) => return,
            Ok(true) => {}
            Err(e) => {
                errors.push(csv_error(file, &e));
                return;
            }
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if let Some(e) = quote_runs_on(file, line, &rec) {
            errors.push(e);
            return;
        }
        f(line, &rec, errors);
    }
}

fn read_plain(
    file: &str,
    reader: Box<dyn Read>,
    rows: &mut Vec<SourceRow>,
    errors: &mut Vec<RowError>,
) {
    let mut rdr = csv_reader(reader);
    let Some(idx) = columns(
        file,
        &mut rdr,
        &["level", "code", "parent_code", "name"],
        errors,
    ) else {
        return;
    };
    let file: std::sync::Arc<str> = file.into();
    each_record(&file, &mut rdr, errors, |line, rec, errors| {
        let get = |i: usize| rec.get(idx[i]).unwrap_or("");
        let level_raw = get(0).trim();
        let Some(level) = level_raw
            .parse::<i64>()
            .ok()
            .and_then(RegionLevel::from_number)
        else {
            errors.push(RowError::from_field(
                &file,
                line,
                level_raw,
                FieldError::new("level", "bad_level", "级别应为1到5", "the level is 1 to 5"),
            ));
            return;
        };
        let parent = Some(get(2).trim().to_owned()).filter(|p| !p.is_empty());
        push_row(&file, line, level, get(1), get(3), parent, rows, errors);
    });
}

#[allow(clippy::too_many_arguments)]
fn push_row(
    file: &std::sync::Arc<str>,
    line: u64,
    level: RegionLevel,
    code_raw: &str,
    name_raw: &str,
    parent_raw: Option<String>,
    rows: &mut Vec<SourceRow>,
    errors: &mut Vec<RowError>,
) {
    let code = match normalize_code(code_raw, level) {
        Ok(c) => c,
        Err(e) => return errors.push(RowError::from_field(file, line, code_raw, e)),
    };
    let name = match parse_region_name("name", name_raw) {
        Ok(n) => n,
        Err(e) => return errors.push(RowError::from_field(file, line, name_raw, e)),
    };
    if level != RegionLevel::Province && parent_raw.as_deref().is_none_or(str::is_empty) {
        return errors.push(RowError::from_field(
            file,
            line,
            "",
            FieldError::new(
                "parent_code",
                "required",
                "缺少上级代码",
                "the parent code is missing",
            ),
        ));
    }
    rows.push(SourceRow {
        file: file.clone(),
        line,
        level,
        code,
        name,
        parent_raw,
    });
}

/// The canonical code of a row at a known level: the code itself, or a zero-padded form of it
/// (`420200` for the city `4202`, as the civil-affairs list writes cities).
pub(crate) fn normalize_code(raw: &str, level: RegionLevel) -> Result<String, FieldError> {
    let s = raw.trim();
    let want = level.code_len();
    let ok_digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if ok_digits && s.len() == want && &s[..2] != "00" {
        return Ok(s.to_owned());
    }
    if ok_digits && s.len() > want && s[want..].bytes().all(|b| b == b'0') && &s[..2] != "00" {
        return Ok(s[..want].to_owned());
    }
    Err(FieldError::new(
        "code",
        "bad_code",
        format!("代码 {s} 不是{}级代码（应为{want}位数字）", level.zh()),
        format!("{s} is not a {} code ({want} digits expected)", level.en()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(name: &str, text: &str) -> StoreResult<Vec<SourceRow>> {
        let dir = std::env::temp_dir().join(format!("gridgov-src-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        let r = read_region_source_all(&RegionSource::Path(p)).and_then(|r| {
            if r.errors.is_empty() {
                Ok(r.rows)
            } else {
                Err(StoreError::Rows(r.errors))
            }
        });
        std::fs::remove_dir_all(&dir).unwrap();
        r
    }

    #[test]
    fn padded_codes_become_canonical() {
        assert_eq!(
            normalize_code("420000", RegionLevel::Province).unwrap(),
            "42"
        );
        assert_eq!(normalize_code("420200", RegionLevel::City).unwrap(), "4202");
        assert_eq!(
            normalize_code("441900", RegionLevel::County).unwrap(),
            "441900"
        );
        assert!(normalize_code("420201", RegionLevel::City).is_err());
        assert!(normalize_code("4202x", RegionLevel::City).is_err());
    }

    #[test]
    fn plain_layout_reads_with_line_numbers() {
        let rows = read_str(
            "r.csv",
            "level,code,parent_code,name\n1,420000,,湖北省\n2,420200,420000,\"黄石市\"\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].code, "4202");
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].parent_raw.as_deref(), Some("420000"));
    }

    #[test]
    fn every_bad_row_is_reported_with_line_field_and_reason() {
        let err = read_str(
            "r.csv",
            "level,code,parent_code,name\n9,42,,x\n2,42x,42,y\n3,420202,,z\n2,4202,42,\n",
        )
        .unwrap_err();
        let StoreError::Rows(rows) = err else {
            panic!("expected row errors")
        };
        let seen: Vec<(u64, &str)> = rows.iter().map(|r| (r.line, r.field.as_str())).collect();
        assert_eq!(
            seen,
            [(2, "level"), (3, "code"), (4, "parent_code"), (5, "name")]
        );
        assert!(rows.iter().all(|r| !r.zh.is_empty() && !r.en.is_empty()));
    }

    #[test]
    fn missing_columns_and_broken_quoting_are_named() {
        let StoreError::Rows(e) = read_str("r.csv", "code,name\n42,x\n").unwrap_err() else {
            panic!()
        };
        assert_eq!(e[0].field, "level");
        let StoreError::Rows(e) = read_str(
            "r.csv",
            "level,code,parent_code,name\n1,42,,\"unclosed\n2,4202,42,x,extra\n",
        )
        .unwrap_err() else {
            panic!()
        };
        assert_eq!(e[0].field, "(csv)");
    }
}
