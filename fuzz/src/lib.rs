//! What the fuzz targets share: feeding one record's cells, by template column key, to the same
//! core checks the importer and the desk forms run, and the checks every outcome must pass.
//!
//! Only glue lives here: which cell goes to which draft field, as the importer's row plans do it
//! (`gridgov-store/src/base/rows.rs`). Every parse and check is the project's own.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridgov_core::FieldError;
use gridgov_core::base_data::{
    BuildingDraft, GridKey, HouseDraft, LinkDraft, OrganizationDraft, PersonDraft, PlaceDraft,
    RecordKind,
};
use gridgov_core::ids::{IdCardNo, PrefixStatus, Ymd};

/// The day the checks take as today, fixed so that a crash reproduces.
pub const TODAY: Ymd = (2026, 5, 1);

/// How the region data would know an ID number's prefix; varied by the prefix itself so that
/// the current, former and unknown paths are all reached.
pub fn prefix_status(prefix: &str) -> PrefixStatus {
    match prefix.bytes().map(u32::from).sum::<u32>() % 3 {
        0 => PrefixStatus::Current,
        1 => PrefixStatus::Historic,
        _ => PrefixStatus::Unknown,
    }
}

/// A failed check names at least one fault, each on a field.
fn faults_named(kind: RecordKind, errs: &[FieldError]) {
    assert!(!errs.is_empty(), "{kind:?}: rejected without a fault");
    for e in errs {
        assert!(
            !e.code.is_empty(),
            "{kind:?}: a fault without a code: {e:?}"
        );
    }
}

/// Runs the checks of `kind` on one record whose cells `cell` gives by template column key
/// (empty where absent), as the importer does for a file row and the desk for a form.
pub fn check_record<'a>(kind: RecordKind, cell: impl Fn(&str) -> &'a str) {
    let grid = cell("grid");
    if !grid.is_empty()
        && let Ok(k) = GridKey::parse("grid", grid)
    {
        assert_eq!(k.village.len(), 12, "{k:?}");
    }
    match kind {
        RecordKind::Persons => {
            let draft = PersonDraft {
                name: cell("name"),
                id_card_no: cell("id_card_no"),
                gender: cell("gender"),
                birth_date: cell("birth_date"),
                ethnicity: cell("ethnicity"),
                phone: cell("phone"),
                registered_address: cell("registered_address"),
                residence_type: cell("residence_type"),
                tags: cell("tags"),
            };
            match draft.check(TODAY, prefix_status) {
                Ok(p) => {
                    // The columns, where given, must agree with what the number encodes.
                    assert_eq!(p.birth_date, p.id_card.birth_date());
                    assert_eq!(p.gender, p.id_card.gender());
                    assert!(p.birth_date <= TODAY, "{:?}", p.birth_date);
                    crate::id_card_holds(&p.id_card);
                }
                Err(errs) => faults_named(kind, &errs),
            }
        }
        RecordKind::Buildings => {
            let draft = BuildingDraft {
                code: cell("code"),
                address: cell("address"),
                floors: cell("floors"),
                units: cell("units"),
                building_head: cell("building_head"),
            };
            match draft.check() {
                Ok(b) => {
                    assert!(b.floors.is_none_or(|f| (1..=200).contains(&f)));
                    assert!(b.units.is_none_or(|u| (1..=50).contains(&u)));
                }
                Err(errs) => faults_named(kind, &errs),
            }
        }
        RecordKind::Houses => {
            let draft = HouseDraft {
                building: cell("building"),
                unit: cell("unit"),
                number: cell("number"),
                house_use: cell("use"),
                area_m2: cell("area_m2"),
            };
            match draft.check() {
                Ok(h) => assert!(h.area_m2.is_none_or(|a| (1.0..=100_000.0).contains(&a))),
                Err(errs) => faults_named(kind, &errs),
            }
        }
        RecordKind::Links => {
            if let Ok(id) = IdCardNo::parse("id_card_no", cell("id_card_no")) {
                crate::id_card_holds(&id);
            }
            let draft = LinkDraft {
                building: cell("building"),
                unit: cell("unit"),
                number: cell("number"),
                relation: cell("relation"),
                since: cell("since"),
            };
            if let Err(errs) = draft.check(TODAY) {
                faults_named(kind, &errs);
            }
        }
        RecordKind::Organizations => {
            let draft = OrganizationDraft {
                name: cell("name"),
                kind: cell("kind"),
                credit_code: cell("credit_code"),
                address: cell("address"),
                contact: cell("contact"),
                phone: cell("phone"),
            };
            if let Err(errs) = draft.check() {
                faults_named(kind, &errs);
            }
        }
        RecordKind::Places => {
            let draft = PlaceDraft {
                name: cell("name"),
                kind: cell("kind"),
                address: cell("address"),
                lng: cell("lng"),
                lat: cell("lat"),
            };
            match draft.check() {
                Ok(p) => {
                    if let Some((lng, lat)) = p.location {
                        assert!((-180.0..=180.0).contains(&lng), "{lng}");
                        assert!((-90.0..=90.0).contains(&lat), "{lat}");
                    }
                }
                Err(errs) => faults_named(kind, &errs),
            }
        }
    }
}

/// What every parsed ID number must hold: 17 digits and the check character that belongs to
/// them, a birth date that exists, a stable reading of its own text, and a masked form that
/// shows the region prefix and the last four characters only.
pub fn id_card_holds(id: &IdCardNo) {
    let s = id.as_str();
    assert_eq!(s.len(), 18, "{s}");
    assert!(s[..17].bytes().all(|b| b.is_ascii_digit()), "{s}");
    let check = gridgov_core::ids::id_check_char(&s[..17]).unwrap();
    assert_eq!(
        s.as_bytes()[17],
        check as u8,
        "{s}: wrong check character accepted"
    );
    let (y, m, d) = id.birth_date();
    assert!(gridgov_core::ids::is_valid_date(y, m, d), "{s}");
    let again = IdCardNo::parse("id", s).unwrap();
    assert_eq!(&again, id);
    assert!(!again.was_upgraded());
    let masked = id.masked();
    assert_eq!(masked.len(), 18, "{masked}");
    assert_eq!(&masked[..6], &s[..6]);
    assert_eq!(&masked[6..14], "********", "{masked}: middle digits shown");
    assert_eq!(&masked[14..], &s[14..]);
    assert!(
        !format!("{id:?}").contains(&s[6..14]),
        "Debug shows the birth date"
    );
}

/// Cells of a row by template column key, through the header mapping the importer uses.
pub struct Cells<'a> {
    pub kind: RecordKind,
    pub at: &'a [Option<usize>],
    pub row: &'a csv::StringRecord,
}

impl<'a> Cells<'a> {
    pub fn get(&self, key: &str) -> &'a str {
        self.kind
            .columns()
            .iter()
            .position(|c| c.key == key)
            .and_then(|i| self.at.get(i).copied().flatten())
            .and_then(|p| self.row.get(p))
            .unwrap_or("")
    }
}

/// libFuzzer's panic hook aborts on any panic, even one that is caught. The XLSX reader
/// catches panics inside calamine (see `gridgov-store/src/sheets/xlsx_file.rs`) and refuses the
/// file, so those, and only those, are let through to that catch; any other panic still aborts.
fn let_calamine_panics_unwind() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !in_calamine {
                abort(info);
            }
        }));
    });
}

/// Reads every row of a sheet, checks the promises of `SheetReader`, and runs the checks of
/// every record kind whose template the header matches.
pub fn read_sheet(name: &str, bytes: Vec<u8>) {
    let_calamine_panics_unwind();
    // A tight limit: a fuzz input is small, and the limit's own path is worth reaching.
    let limit = 1 << 20;
    let Ok(mut reader) = gridgov_store::sheets::SheetReader::from_bytes(name, bytes, limit) else {
        return;
    };
    let headers: Vec<String> = reader.headers().iter().map(str::to_owned).collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let kinds: Vec<(RecordKind, Vec<Option<usize>>)> = RecordKind::ALL
        .into_iter()
        .filter_map(|k| {
            gridgov_core::base_data::templates::map_header(k, &header_refs)
                .ok()
                .map(|at| (k, at))
        })
        .collect();
    let mut rec = csv::StringRecord::new();
    let mut last = 0u64;
    // Each call consumes a row or a fault; far more calls than the input has bytes would mean
    // the reader stopped moving.
    let mut calls = 0usize;
    let (_, total) = reader.progress();
    loop {
        calls += 1;
        assert!(calls < 1_000_000, "the reader does not move on");
        match reader.read(&mut rec) {
            Ok(None) => break,
            Ok(Some(n)) => {
                assert!(n > last, "row {n} after row {last}");
                last = n;
                assert_eq!(
                    rec.len(),
                    headers.len(),
                    "row {n}: {rec:?} under {headers:?}"
                );
                for (kind, at) in &kinds {
                    let cells = Cells {
                        kind: *kind,
                        at,
                        row: &rec,
                    };
                    check_record(*kind, |k| cells.get(k));
                }
            }
            Err(_) => {}
        }
        let (done, now_total) = reader.progress();
        assert!(done <= now_total.max(total), "{done} of {now_total}");
    }
}

/// Runs one form value through every field parser the desk's forms call (accounts, regions,
/// grids and staff), checking that what a parser accepts reads back as itself.
pub fn check_field(key: &str, value: &str) {
    use gridgov_core::auth::Role;
    use gridgov_core::forms::FormTarget;
    use gridgov_core::grids::{self, Duty, GridCode, GridKind};
    use gridgov_core::regions::{self, RegionCode};
    use gridgov_core::users::{self, NewPassword, Username};

    if let Ok(u) = Username::parse(key, value) {
        assert_eq!(Username::parse(key, u.as_str()).unwrap(), u);
        assert_eq!(u.as_str(), u.as_str().to_ascii_lowercase());
    }
    let _ = NewPassword::parse(key, value);
    let _ = users::parse_display_name(key, value);
    if let Ok(phone) = users::parse_contact_phone(key, value)
        && !phone.is_empty()
    {
        assert_eq!(users::parse_contact_phone(key, &phone).unwrap(), phone);
    }
    if let Ok(r) = Role::parse(key, value) {
        assert_eq!(Role::parse(key, r.as_str()).unwrap(), r);
    }
    if let Ok(code) = RegionCode::parse(key, value) {
        assert_eq!(RegionCode::parse(key, code.as_str()).unwrap(), code);
        let all = RegionCode::candidates(key, value).unwrap();
        assert_eq!(all.first(), Some(&code), "the literal reading comes first");
    }
    let _ = regions::parse_region_name(key, value);
    if let Ok(code) = GridCode::parse(key, value) {
        assert_eq!(GridCode::parse(key, code.as_str()).unwrap(), code);
        assert!(code.as_str().len() <= GridCode::MAX_LEN);
    }
    let _ = GridKind::parse(key, value, None);
    let _ = GridKind::parse(key, "special", Some(value));
    if let Ok(d) = Duty::parse(key, value) {
        assert_eq!(Duty::parse(key, d.as_str()).unwrap(), d);
    }
    let _ = grids::parse_household_target(key, value);
    let _ = grids::parse_grid_name(key, value);
    let _ = grids::parse_text(key, value, 100, true);
    if let Ok(t) = FormTarget::parse(key, value) {
        assert_eq!(FormTarget::parse(key, t.as_str()).unwrap(), t);
    }
}
