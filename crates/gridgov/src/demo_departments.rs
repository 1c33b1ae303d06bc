//! The demo's linked departments: Huangshi's city bureaus and each district's and county's own,
//! each with one handler login (`dept-<region>-<unit>`, role department_handler, scoped to the
//! region the department serves), made as one roster so the shared password is hashed once.
//! Built once: a data directory that already has departments is left as it is.

use anyhow::{Context, Result};
use gridgov_core::auth::{Actor, Role};
use gridgov_core::departments::Sector::{self, *};
use gridgov_store::Store;
use gridgov_store::departments::{DepartmentFilter, DepartmentInput};
use gridgov_store::users_bulk::RosterEntry;

use crate::demo_network::person_name;

/// The city's bureaus: unit, sector, name.
const CITY: (&str, &str) = ("4202", "黄石市");
const CITY_UNITS: &[(&str, Sector, &str)] = &[
    ("ga", PublicSecurity, "黄石市公安局"),
    ("zj", HousingConstruction, "黄石市住房和城乡建设局"),
    ("cg", UrbanManagement, "黄石市城市管理执法局"),
    ("sj", MarketSupervision, "黄石市市场监督管理局"),
    ("wj", Health, "黄石市卫生健康委员会"),
    ("jy", Education, "黄石市教育局"),
    ("mz", CivilAffairs, "黄石市民政局"),
    ("sf", Justice, "黄石市司法局"),
    ("yj", EmergencyManagement, "黄石市应急管理局"),
    ("st", EcologyEnvironment, "黄石市生态环境局"),
    ("sl", Water, "黄石市水利和湖泊局"),
    ("gd", Power, "国网黄石供电公司"),
    ("jt", Transport, "黄石市交通运输局"),
    (
        "rs",
        HumanResourcesSocialSecurity,
        "黄石市人力资源和社会保障局",
    ),
    ("xf", LettersVisits, "黄石市信访局"),
    ("zr", NaturalResources, "黄石市自然资源和规划局"),
    ("ny", AgricultureRural, "黄石市农业农村局"),
    ("xfjy", FireRescue, "黄石消防救援支队"),
];

/// The districts (区, short names for their bureaus), the county and the county-level city
/// (full names), with the name of their police: a district's is a branch of the city's bureau.
struct County {
    code: &'static str,
    name: &'static str,
    police: &'static str,
    urban: bool,
}

const COUNTIES: &[County] = &[
    County {
        code: "420202",
        name: "黄石港区",
        police: "黄石港公安分局",
        urban: true,
    },
    County {
        code: "420203",
        name: "西塞山区",
        police: "西塞山公安分局",
        urban: true,
    },
    County {
        code: "420204",
        name: "下陆区",
        police: "下陆公安分局",
        urban: true,
    },
    County {
        code: "420205",
        name: "铁山区",
        police: "铁山公安分局",
        urban: true,
    },
    County {
        code: "420222",
        name: "阳新县",
        police: "阳新县公安局",
        urban: false,
    },
    County {
        code: "420281",
        name: "大冶市",
        police: "大冶市公安局",
        urban: false,
    },
];

/// A county's own bureaus: unit, sector, the name after the county's in a district (short, as
/// people say them) and in a county (full).
const COUNTY_UNITS: &[(&str, Sector, &str, &str)] = &[
    ("cg", UrbanManagement, "城管执法局", "城市管理执法局"),
    ("zj", HousingConstruction, "住建局", "住房和城乡建设局"),
    ("sj", MarketSupervision, "市场监管局", "市场监督管理局"),
    ("wj", Health, "卫健局", "卫生健康局"),
    ("mz", CivilAffairs, "民政局", "民政局"),
    ("sf", Justice, "司法局", "司法局"),
    ("yj", EmergencyManagement, "应急管理局", "应急管理局"),
    ("xf", LettersVisits, "信访局", "信访局"),
];

/// What rural counties have besides: land and farming matter there.
const RURAL_UNITS: &[(&str, Sector, &str)] = &[
    ("ny", AgricultureRural, "农业农村局"),
    ("zr", NaturalResources, "自然资源和规划局"),
];

/// One department of the demo.
pub struct DemoDepartment {
    pub region: &'static str,
    pub region_name: &'static str,
    pub unit: &'static str,
    pub sector: Sector,
    pub name: String,
}

impl DemoDepartment {
    pub fn username(&self) -> String {
        format!("dept-{}-{}", self.region, self.unit)
    }
}

/// Every demo department, the city's first, then county by county.
pub fn all() -> Vec<DemoDepartment> {
    let mut out: Vec<DemoDepartment> = CITY_UNITS
        .iter()
        .map(|(unit, sector, name)| DemoDepartment {
            region: CITY.0,
            region_name: CITY.1,
            unit,
            sector: *sector,
            name: (*name).to_owned(),
        })
        .collect();
    for c in COUNTIES {
        out.push(DemoDepartment {
            region: c.code,
            region_name: c.name,
            unit: "ga",
            sector: PublicSecurity,
            name: c.police.to_owned(),
        });
        for (unit, sector, short, full) in COUNTY_UNITS {
            out.push(DemoDepartment {
                region: c.code,
                region_name: c.name,
                unit,
                sector: *sector,
                name: format!("{}{}", c.name, if c.urban { short } else { full }),
            });
        }
        if !c.urban {
            for (unit, sector, name) in RURAL_UNITS {
                out.push(DemoDepartment {
                    region: c.code,
                    region_name: c.name,
                    unit,
                    sector: *sector,
                    name: format!("{}{name}", c.name),
                });
            }
        }
    }
    out
}

/// A duty phone on Huangshi's area code, the same on every run.
fn duty_phone(i: usize) -> String {
    format!("0714-6{:06}", 210_000 + i * 3_137)
}

/// Builds the departments, their handlers' logins and the membership, unless the database has
/// departments already. The demo's `dept` login works for the city's urban management bureau.
/// Returns the number of departments made.
pub async fn ensure(store: &Store) -> Result<usize> {
    let sys = Actor::system();
    let any = DepartmentFilter {
        include_inactive: true,
        limit: 1,
        ..DepartmentFilter::default()
    };
    if !store.departments(&sys, &any).await?.is_empty() {
        return Ok(0);
    }
    let units = all();
    let mut ids = Vec::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        let input = DepartmentInput {
            name: u.name.clone(),
            sector: u.sector.as_str().to_owned(),
            region_code: u.region.to_owned(),
            phone: duty_phone(i),
        };
        let d = store
            .create_department(&sys, &input)
            .await
            .with_context(|| format!("creating the demo department {}", u.name))?;
        ids.push(d.id);
    }
    let roster: Vec<RosterEntry> = units
        .iter()
        .enumerate()
        .map(|(i, u)| RosterEntry {
            username: u.username(),
            display_name: person_name(&u.username()),
            role: Role::DepartmentHandler,
            scope: u.region.to_owned(),
            // Mobile numbers differ from the duty lines: a handler's own phone.
            phone: format!("139{:08}", 71_400_000 + i * 7_919),
        })
        .collect();
    store
        .create_roster(&sys, &roster, crate::demo::DEMO_PASSWORD)
        .await
        .context("creating the department handlers' logins")?;
    for (u, id) in units.iter().zip(&ids) {
        store
            .add_department_member(&sys, id, &u.username())
            .await
            .with_context(|| format!("adding {} to {}", u.username(), u.name))?;
    }
    if let Some((_, id)) = units
        .iter()
        .zip(&ids)
        .find(|(u, _)| u.region == CITY.0 && u.unit == "cg")
    {
        store.add_department_member(&sys, id, "dept").await?;
    }
    Ok(units.len())
}

/// The handlers' logins for the welcome text, one line per region: `黄石港区 420202
/// dept-420202-{ga,cg,…}`, and an example of which login is which department.
pub fn login_lines() -> Vec<String> {
    let units = all();
    let mut lines = vec![format!(
        "department handlers / 部门办理人: {} logins, one per department, role department_handler",
        units.len()
    )];
    let mut regions: Vec<(&str, &str)> = Vec::new();
    for u in &units {
        if !regions.contains(&(u.region, u.region_name)) {
            regions.push((u.region, u.region_name));
        }
    }
    for (code, name) in regions {
        let list: Vec<&str> = units
            .iter()
            .filter(|u| u.region == code)
            .map(|u| u.unit)
            .collect();
        lines.push(format!(
            "  {}dept-{code}-{{{}}}",
            crate::text::pad_wide(&format!("{name} {code}"), 16),
            list.join(",")
        ));
    }
    if let Some(eg) = units
        .iter()
        .find(|u| u.region == "420202" && u.unit == "cg")
    {
        lines.push(format!("  e.g. / 例如 {} = {}", eg.username(), eg.name));
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use gridgov_core::departments::parse_department_name;
    use gridgov_core::users::Username;

    use super::*;

    #[test]
    fn every_demo_department_is_valid_and_unique() {
        let units = all();
        assert_eq!(units.len(), 18 + 4 * 9 + 2 * 11);
        let mut names = HashSet::new();
        let mut logins = HashSet::new();
        for u in &units {
            parse_department_name("name", &u.name).unwrap();
            Username::parse("username", &u.username()).unwrap();
            assert!(names.insert((u.region, u.name.clone())), "{}", u.name);
            assert!(logins.insert(u.username()), "{}", u.username());
        }
        for i in 0..units.len() {
            gridgov_core::ids::Phone::parse("phone", &duty_phone(i)).unwrap();
        }
    }

    #[test]
    fn every_demo_department_serves_a_region_of_the_demo() {
        let text = include_str!("../demo/huangshi_regions.csv");
        let codes: HashSet<&str> = text.lines().filter_map(|l| l.split(',').nth(1)).collect();
        for u in all() {
            let padded = format!("{:0<6}", u.region);
            assert!(codes.contains(padded.as_str()), "{}", u.region);
        }
    }

    #[test]
    fn the_welcome_lists_every_region_once() {
        let lines = login_lines();
        assert_eq!(lines.len(), 1 + 1 + COUNTIES.len() + 1);
        assert!(
            lines[2].contains("dept-420202-{ga,cg,zj,sj,wj,mz,sf,yj,xf}"),
            "{}",
            lines[2]
        );
    }
}
