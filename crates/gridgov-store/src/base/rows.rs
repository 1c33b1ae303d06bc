//! Turning one file row of each kind into a row of its table: core's checks, the grid and the
//! building resolved, personal data sealed.

use std::collections::{HashMap, HashSet};

use rand::RngCore;

use gridgov_core::FieldError;
use gridgov_core::base_data::{
    BuildingDraft, HouseDraft, LinkDraft, OrganizationDraft, PersonDraft, PlaceDraft, RecordKind,
};
use gridgov_core::ids::{IdCardNo, Ymd, format_ymd};

use super::checker::{Cells, Planned, RowPlan, fingerprint};
use super::grid_lookup::GridLookup;
use super::spec::Value;
use crate::protect::Protector;
use crate::regions::IdPrefixes;

/// What every plan shares: the grids, the batch and its time.
pub(crate) struct Common {
    pub grids: GridLookup,
    pub batch: String,
    pub now: i64,
    pub ids: RowIds,
}

/// Positions of a template's columns, by key.
fn positions<const N: usize>(kind: RecordKind, keys: [&str; N]) -> [usize; N] {
    let cols = kind.columns();
    keys.map(|k| cols.iter().position(|c| c.key == k).unwrap_or(usize::MAX))
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn opt_text(s: Option<String>) -> Value {
    Value::OptText(s)
}

/// Version-7 UUIDs for one import's rows. Each is the import's time, a counter, and 32 random
/// bits from the thread's CSPRNG: the ids of an import ascend, so they land at the end of the
/// key index, and the counter starts at a random point, so two imports in the same millisecond
/// do not meet. (`Uuid::now_v7` asks the kernel for random bits on every row, a system call
/// that stood out in the checker's profile.)
pub(crate) struct RowIds {
    ms: u64,
    next: u64,
}

impl RowIds {
    pub(crate) fn new(now_ms: i64) -> RowIds {
        RowIds {
            ms: u64::try_from(now_ms).unwrap_or(0) & 0xffff_ffff_ffff,
            // 2^41 more ids fit before the 42-bit counter would wrap.
            next: rand::thread_rng().next_u64() & ((1 << 41) - 1),
        }
    }

    fn next(&mut self) -> Value {
        let c = u128::from(self.next);
        self.next += 1;
        let random = u128::from(rand::thread_rng().next_u32());
        // unix_ts_ms (48) | ver 7 (4) | rand_a: counter high 12 | var 0b10 (2) | rand_b: counter
        // low 30, then the random 32.
        let v = (u128::from(self.ms) << 80)
            | (0x7 << 76)
            | (((c >> 30) & 0xfff) << 64)
            | (0b10 << 62)
            | ((c & 0x3fff_ffff) << 32)
            | random;
        text(uuid::Uuid::from_u128(v).to_string())
    }
}

fn one(e: FieldError) -> Vec<FieldError> {
    vec![e]
}

/// The row's grid and its checked fields, or every fault of both.
fn both<G, R>(
    grid: Result<G, FieldError>,
    record: Result<R, Vec<FieldError>>,
) -> Result<(G, R), Vec<FieldError>> {
    match (grid, record) {
        (Ok(g), Ok(r)) => Ok((g, r)),
        (g, r) => {
            let mut errs = g.err().map(one).unwrap_or_default();
            errs.extend(r.err().unwrap_or_default());
            Err(errs)
        }
    }
}

/// Buildings by grid and code: what houses and links name.
pub(crate) type BuildingIds = HashMap<(String, String), String>;

fn building_fault(grid: &str, code: &str) -> FieldError {
    FieldError::new(
        "building",
        "unknown_building",
        format!("网格 {grid} 中没有楼栋 {code}：请先导入楼栋"),
        format!("grid {grid} has no building {code}: import the buildings first"),
    )
}

pub(crate) struct PersonPlan {
    pub common: Common,
    pub prefixes: IdPrefixes,
    pub protector: Protector,
    pub today: Ymd,
    /// Keys of persons recorded outside the importer's scope in a county it writes to
    /// (`elsewhere::persons_elsewhere`): a row meeting one is a fault, not an overwrite.
    pub elsewhere: HashSet<u128>,
}

const PERSON_COLS: [&str; 10] = [
    "grid",
    "name",
    "id_card_no",
    "gender",
    "birth_date",
    "ethnicity",
    "phone",
    "registered_address",
    "residence_type",
    "tags",
];

impl RowPlan for PersonPlan {
    fn plan(&mut self, _row: u64, cells: &Cells<'_>) -> Result<Planned, Vec<FieldError>> {
        let [grid, name, id, gender, birth, eth, phone, addr, res, tags] =
            positions(RecordKind::Persons, PERSON_COLS).map(|i| cells.get(i));
        let g = self.common.grids.find("grid", grid);
        let draft = PersonDraft {
            name,
            id_card_no: id,
            gender,
            birth_date: birth,
            ethnicity: eth,
            phone,
            registered_address: addr,
            residence_type: res,
            tags,
        };
        let p = draft.check(self.today, |pre| self.prefixes.status(pre));
        let (g, p) = both(g, p)?;
        let sealed_id = self.protector.seal_id_card(&p.id_card).map_err(internal)?;
        let sealed_phone = match &p.phone {
            Some(ph) => Some(self.protector.seal_phone(ph).map_err(internal)?),
            None => None,
        };
        let key = format!("{}|{}", g.county_code, sealed_id.index);
        if self.elsewhere.contains(&fingerprint(&key)) {
            return Err(one(crate::records::id_card_unavailable()));
        }
        let (phone_sealed, phone_index) = match sealed_phone {
            Some(s) => (Some(s.sealed), Some(s.index)),
            None => (None, None),
        };
        Ok(Planned {
            row: vec![
                self.common.ids.next(),
                text(g.county_code.as_str()),
                text(g.id.as_str()),
                text(g.path.as_str()),
                text(p.name),
                text(sealed_id.sealed),
                text(sealed_id.index),
                text(p.gender.as_str()),
                text(format_ymd(p.birth_date)),
                text(p.flags.join(";")),
                text(p.ethnicity.map_or("", |e| e.code())),
                opt_text(phone_sealed),
                opt_text(phone_index),
                text(p.registered_address),
                text(p.residence_type.as_str()),
                text(p.tags),
            ],
            key,
            warnings: p.warnings,
        })
    }
}

fn internal(e: crate::StoreError) -> Vec<FieldError> {
    one(FieldError::new(
        "id_card_no",
        "internal",
        format!("内部错误：{e}"),
        format!("internal error: {e}"),
    ))
}

pub(crate) struct BuildingPlan {
    pub common: Common,
    /// Usernames of the users in scope, for the building head column.
    pub users: HashMap<String, String>,
}

impl RowPlan for BuildingPlan {
    fn plan(&mut self, _row: u64, cells: &Cells<'_>) -> Result<Planned, Vec<FieldError>> {
        let [grid, code, address, floors, units, head] = positions(
            RecordKind::Buildings,
            [
                "grid",
                "code",
                "address",
                "floors",
                "units",
                "building_head",
            ],
        )
        .map(|i| cells.get(i));
        let g = self.common.grids.find("grid", grid);
        let b = BuildingDraft {
            code,
            address,
            floors,
            units,
            building_head: head,
        }
        .check();
        let (g, b) = both(g, b)?;
        let head_id = match &b.building_head {
            None => None,
            Some(u) => Some(self.users.get(u).cloned().ok_or_else(|| {
                one(FieldError::new(
                    "building_head",
                    "unknown_user",
                    format!("没有这个账号，或不在您的管辖范围内：{u}"),
                    format!("no such user, or outside your scope: {u}"),
                ))
            })?),
        };
        Ok(Planned {
            key: format!("{}|{}|{}", g.county_code, g.id, b.code),
            row: vec![
                self.common.ids.next(),
                text(g.county_code.as_str()),
                text(g.id.as_str()),
                text(g.path.as_str()),
                text(b.code),
                text(b.address),
                Value::OptInt(b.floors),
                Value::OptInt(b.units),
                opt_text(head_id),
            ],
            warnings: Vec::new(),
        })
    }
}

pub(crate) struct HousePlan {
    pub common: Common,
    pub buildings: BuildingIds,
}

impl RowPlan for HousePlan {
    fn plan(&mut self, _row: u64, cells: &Cells<'_>) -> Result<Planned, Vec<FieldError>> {
        let [grid, building, unit, number, house_use, area] = positions(
            RecordKind::Houses,
            ["grid", "building", "unit", "number", "use", "area_m2"],
        )
        .map(|i| cells.get(i));
        let g = self.common.grids.find("grid", grid);
        let h = HouseDraft {
            building,
            unit,
            number,
            house_use,
            area_m2: area,
        }
        .check();
        let (g, h) = both(g, h)?;
        let building_id = self
            .buildings
            .get(&(g.id.clone(), h.building.clone()))
            .ok_or_else(|| one(building_fault(grid.trim(), &h.building)))?;
        Ok(Planned {
            key: format!("{}|{}|{}|{}", g.county_code, building_id, h.unit, h.number),
            row: vec![
                self.common.ids.next(),
                text(g.county_code.as_str()),
                text(g.id.as_str()),
                text(g.path.as_str()),
                text(building_id.as_str()),
                text(h.unit),
                text(h.number),
                text(h.house_use.as_str()),
                Value::OptFloat(h.area_m2),
            ],
            warnings: Vec::new(),
        })
    }
}

pub(crate) struct LinkPlan {
    pub common: Common,
    pub buildings: BuildingIds,
    pub protector: Protector,
    pub today: Ymd,
}

impl RowPlan for LinkPlan {
    fn plan(&mut self, row: u64, cells: &Cells<'_>) -> Result<Planned, Vec<FieldError>> {
        let [id, grid, building, unit, number, relation, since] = positions(
            RecordKind::Links,
            [
                "id_card_no",
                "grid",
                "building",
                "unit",
                "number",
                "relation",
                "since",
            ],
        )
        .map(|i| cells.get(i));
        let mut errs = Vec::new();
        let g = self
            .common
            .grids
            .find("grid", grid)
            .map_err(|e| errs.push(e))
            .ok();
        let id = IdCardNo::parse("id_card_no", id)
            .map_err(|e| errs.push(e))
            .ok();
        let l = LinkDraft {
            building,
            unit,
            number,
            relation,
            since,
        }
        .check(self.today)
        .map_err(|e| errs.extend(e))
        .ok();
        let (Some(g), Some(id), Some(l)) = (g, id, l) else {
            return Err(errs);
        };
        let building_id = self
            .buildings
            .get(&(g.id.clone(), l.building.clone()))
            .ok_or_else(|| one(building_fault(grid.trim(), &l.building)))?;
        let index = self.protector.id_card_index(&id);
        let relation = if l.relation.is_empty() {
            "本人".to_owned()
        } else {
            l.relation
        };
        Ok(Planned {
            key: format!(
                "{}|{index}|{building_id}|{}|{}",
                g.county_code, l.unit, l.number
            ),
            row: vec![
                Value::Int(row as i64),
                text(g.county_code.as_str()),
                text(index),
                text(building_id.as_str()),
                text(l.unit),
                text(l.number),
                text(relation),
                opt_text(l.since),
            ],
            warnings: Vec::new(),
        })
    }
}

pub(crate) struct OrganizationPlan {
    pub common: Common,
}

impl RowPlan for OrganizationPlan {
    fn plan(&mut self, _row: u64, cells: &Cells<'_>) -> Result<Planned, Vec<FieldError>> {
        let [grid, name, kind, credit, address, contact, phone] = positions(
            RecordKind::Organizations,
            [
                "grid",
                "name",
                "kind",
                "credit_code",
                "address",
                "contact",
                "phone",
            ],
        )
        .map(|i| cells.get(i));
        let g = self.common.grids.find("grid", grid);
        let o = OrganizationDraft {
            name,
            kind,
            credit_code: credit,
            address,
            contact,
            phone,
        }
        .check();
        let (g, o) = both(g, o)?;
        Ok(Planned {
            key: format!("{}|{}|{}", g.county_code, g.id, o.name),
            row: vec![
                self.common.ids.next(),
                text(g.county_code.as_str()),
                text(g.id.as_str()),
                text(g.path.as_str()),
                text(o.name),
                text(o.kind.as_str()),
                opt_text(o.credit_code.map(|c| c.as_str().to_owned())),
                text(o.address),
                text(o.contact),
                text(o.phone.map(|p| p.as_str().to_owned()).unwrap_or_default()),
            ],
            warnings: Vec::new(),
        })
    }
}

pub(crate) struct PlacePlan {
    pub common: Common,
}

impl RowPlan for PlacePlan {
    fn plan(&mut self, _row: u64, cells: &Cells<'_>) -> Result<Planned, Vec<FieldError>> {
        let [grid, name, kind, address, lng, lat] = positions(
            RecordKind::Places,
            ["grid", "name", "kind", "address", "lng", "lat"],
        )
        .map(|i| cells.get(i));
        let g = self.common.grids.find("grid", grid);
        let p = PlaceDraft {
            name,
            kind,
            address,
            lng,
            lat,
        }
        .check();
        let (g, p) = both(g, p)?;
        Ok(Planned {
            key: format!("{}|{}|{}", g.county_code, g.id, p.name),
            row: vec![
                self.common.ids.next(),
                text(g.county_code.as_str()),
                text(g.id.as_str()),
                text(g.path.as_str()),
                text(p.name),
                text(p.kind.as_str()),
                text(p.address),
                Value::OptFloat(p.location.map(|l| l.0)),
                Value::OptFloat(p.location.map(|l| l.1)),
            ],
            warnings: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_ids_are_version_7_ascending_and_of_the_import_time() {
        let now = 1_795_419_428_267;
        let mut ids = RowIds::new(now);
        let parsed: Vec<uuid::Uuid> = (0..1000)
            .map(|_| match ids.next() {
                Value::Text(s) => uuid::Uuid::parse_str(&s).expect("a UUID"),
                other => panic!("not text: {other:?}"),
            })
            .collect();
        for u in &parsed {
            assert_eq!(u.get_version_num(), 7);
            assert_eq!(u.get_variant(), uuid::Variant::RFC4122);
            let (secs, nanos) = u.get_timestamp().expect("v7 has a time").to_unix();
            assert_eq!(secs * 1000 + u64::from(nanos / 1_000_000), now as u64);
        }
        assert!(parsed.windows(2).all(|w| w[0] < w[1]));
        // Another import in the same millisecond starts elsewhere.
        let other = match RowIds::new(now).next() {
            Value::Text(s) => uuid::Uuid::parse_str(&s).expect("a UUID"),
            other => panic!("not text: {other:?}"),
        };
        assert!(!parsed.contains(&other));
    }
}
