//! A small town for the record tests: grids in two villages of county 420202 and one of county
//! 420203, a grid worker per village, a county center operator, a leader, and helpers that make
//! valid ID numbers.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use gridgov_core::auth::{Actor, Role};
use gridgov_core::ids::id_check_char;
use gridgov_store::Store;
use gridgov_store::grids::GridInput;
use gridgov_store::records::{BuildingInput, HouseInput, PersonInput};
use gridgov_store::testing::{add_user, seed_regions};

/// 新街社区 and 湖滨社区 (county 420202) and 八泉社区 (county 420203) in the fixture.
pub const XINJIE: &str = "420202001001";
pub const HUBIN: &str = "420202001002";
pub const BAQUAN: &str = "420203001001";

pub struct Town {
    pub g1: String,
    pub g2: String,
    pub hubin: String,
    pub baquan: String,
    /// Grid worker of 新街社区.
    pub worker: Actor,
    /// Grid worker of 湖滨社区: same county, another village.
    pub neighbour: Actor,
    /// Grid worker of 八泉社区: another county.
    pub far: Actor,
    /// Center operator of county 420202: edits, unmasks, reads the audit trail.
    pub center: Actor,
    /// City leader: reads, may not unmask.
    pub leader: Actor,
}

pub async fn town(store: &Store) -> Town {
    seed_regions(store).await;
    let sys = Actor::system();
    let grid = |region: &str, code: &str, target: &str| GridInput {
        region: region.into(),
        code: code.into(),
        name: format!("{code} 网格"),
        kind: "comprehensive".into(),
        household_target: target.into(),
        ..Default::default()
    };
    let mut ids = Vec::new();
    for (region, code, target) in [
        (XINJIE, "G1", "400"),
        (XINJIE, "G2", "350"),
        (HUBIN, "G1", "420"),
        (BAQUAN, "G1", "410"),
    ] {
        ids.push(
            store
                .create_grid(&sys, &grid(region, code, target))
                .await
                .unwrap()
                .grid
                .id,
        );
    }
    let worker = add_user(store, &sys, "gw-xinjie", Role::GridWorker, XINJIE).await;
    let neighbour = add_user(store, &sys, "gw-hubin", Role::GridWorker, HUBIN).await;
    let far = add_user(store, &sys, "gw-baquan", Role::GridWorker, BAQUAN).await;
    let center = add_user(store, &sys, "center", Role::CenterOperator, "420202").await;
    let leader = add_user(store, &sys, "leader", Role::Leader, "4202").await;
    Town {
        g1: ids[0].clone(),
        g2: ids[1].clone(),
        hubin: ids[2].clone(),
        baquan: ids[3].clone(),
        worker: worker.actor(),
        neighbour: neighbour.actor(),
        far: far.actor(),
        center: center.actor(),
        leader: leader.actor(),
    }
}

/// A valid ID number from its first 17 characters.
pub fn id_no(first17: &str) -> String {
    format!("{first17}{}", id_check_char(first17).unwrap())
}

pub fn person(grid: &str, name: &str, first17: &str) -> PersonInput {
    PersonInput {
        grid_id: grid.into(),
        name: name.into(),
        id_card_no: id_no(first17),
        ethnicity: "汉族".into(),
        phone: String::new(),
        residence_type: "户籍".into(),
        ..Default::default()
    }
}

pub fn building(grid: &str, code: &str) -> BuildingInput {
    BuildingInput {
        grid_id: grid.into(),
        code: code.into(),
        address: format!("桂花湾路{code}号"),
        floors: "7".into(),
        ..Default::default()
    }
}

pub fn house(unit: &str, number: &str, house_use: &str) -> HouseInput {
    HouseInput {
        unit: unit.into(),
        number: number.into(),
        house_use: house_use.into(),
        area_m2: "86.5".into(),
    }
}
