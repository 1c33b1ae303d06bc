#![allow(clippy::unwrap_used, clippy::expect_used)]
use gridgov_store::on_both;
use gridgov_store::testing as common;

use gridgov_core::auth::{Actor, Role};
use gridgov_core::regions::RegionCode;
use gridgov_store::regions::RegionSource;
use gridgov_store::{StoreError, StoreResult};

use common::{add_user, seed_regions};

fn code(s: &str) -> RegionCode {
    RegionCode::parse("code", s).unwrap()
}

fn write_csv(text: &str) -> (std::path::PathBuf, RegionSource) {
    let dir = std::env::temp_dir().join(format!("gridgov-csv-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("regions.csv");
    std::fs::write(&p, text).unwrap();
    (dir, RegionSource::Path(p))
}

async fn count(store: &gridgov_store::Store) -> StoreResult<i64> {
    Ok(store
        .region_counts(&Actor::system())
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum())
}

on_both!(import_builds_paths_and_is_idempotent, |db| {
    let sys = Actor::system();
    seed_regions(&db.store).await;
    let r = db.store.region(&sys, &code("420202001001")).await.unwrap();
    assert_eq!(r.path, "42/4202/420202/420202001/420202001001/");
    assert_eq!(r.parent_code.as_deref(), Some("420202001"));
    let again = db
        .store
        .import_regions(&sys, common::SMALL_REGIONS, "fixture", &|_| {})
        .await
        .unwrap();
    assert_eq!((again.inserted, again.unchanged), (0, 11));
    assert_eq!(count(&db.store).await.unwrap(), 11);
});

on_both!(children_carry_their_own_child_counts, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let provinces = db.store.region_children(&sys, None).await.unwrap();
    assert_eq!(
        provinces
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        ["42", "43"]
    );
    let districts = db
        .store
        .region_children(&sys, Some(&code("4202")))
        .await
        .unwrap();
    assert_eq!(districts.len(), 2);
    let streets = db
        .store
        .region_children(&sys, Some(&code("420202001")))
        .await
        .unwrap();
    assert_eq!(
        streets.iter().map(|s| s.child_count).collect::<Vec<_>>(),
        [0, 0]
    );
    let trail = db
        .store
        .region_trail(&sys, "42/4202/420202/")
        .await
        .unwrap();
    assert_eq!(
        trail.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["湖北省", "黄石市", "黄石港区"]
    );
});

on_both!(a_user_outside_the_scope_sees_no_region, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let op = add_user(
        &db.store,
        &sys,
        "op-xisaishan",
        Role::CenterOperator,
        "420203",
    )
    .await
    .actor();
    // Inside: the district and below.
    assert!(db.store.region(&op, &code("420203001001")).await.is_ok());
    // Outside: the neighbour district, the city above, the other province.
    for c in ["420202", "420202001001", "4202", "42", "4301"] {
        assert!(
            matches!(
                db.store.region(&op, &code(c)).await,
                Err(StoreError::NotFound)
            ),
            "{c}"
        );
    }
    assert!(
        db.store
            .region_children(&op, Some(&code("420202")))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.store
            .region_children(&op, None)
            .await
            .unwrap()
            .is_empty()
    );
    let trail = db
        .store
        .region_trail(&op, "42/4202/420203/420203001/")
        .await
        .unwrap();
    assert_eq!(
        trail.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        ["420203", "420203001"]
    );
    let counts = db.store.region_counts(&op).await.unwrap();
    assert_eq!(counts, [(3, 1), (4, 1), (5, 1)]);
});

on_both!(padded_codes_resolve_to_the_region_meant, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    assert_eq!(
        db.store
            .resolve_region(&sys, "scope", "420200")
            .await
            .unwrap()
            .code,
        "4202"
    );
    assert_eq!(
        db.store
            .resolve_region(&sys, "scope", "420000000000")
            .await
            .unwrap()
            .code,
        "42"
    );
    assert!(matches!(
        db.store.resolve_region(&sys, "scope", "990000").await,
        Err(StoreError::NotFound)
    ));
});

on_both!(a_bad_file_is_rejected_whole_with_lines_and_reasons, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let (dir, src) = write_csv(
        "level,code,parent_code,name\n\
         3,420204,420200,下陆区\n\
         4,420204001,420299,团城山街道\n\
         3,420205,420200,铁山区\n\
         3,420205,420200,另一个名字\n\
         3,420202,420200,改了名的黄石港区\n",
    );
    let err = db
        .store
        .import_regions(&sys, src, "bad", &|_| {})
        .await
        .unwrap_err();
    let StoreError::Rows(rows) = err else {
        panic!("expected row errors, got {err:?}")
    };
    let got: Vec<(u64, &str)> = rows.iter().map(|r| (r.line, r.field.as_str())).collect();
    assert_eq!(got, [(3, "parent_code"), (5, "name"), (6, "name")]);
    assert!(rows[0].en.contains("unknown"), "{}", rows[0].en);
    assert!(rows[1].en.contains("line 4"), "{}", rows[1].en);
    // Nothing of the file was kept, not even its good rows.
    assert_eq!(count(&db.store).await.unwrap(), 11);
    assert!(db.store.region(&sys, &code("420204")).await.is_err());
    std::fs::remove_dir_all(dir).unwrap();
});

on_both!(the_statistical_layout_loads_from_a_directory, |db| {
    let dir = std::env::temp_dir().join(format!("gridgov-nbs-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("provinces.csv"), "code,name\n42,\"湖北省\"\n").unwrap();
    std::fs::write(
        dir.join("cities.csv"),
        "code,name,provinceCode\n4202,\"黄石市\",42\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("areas.csv"),
        "code,name,cityCode,provinceCode\n420281,\"大冶市\",4202,42\n",
    )
    .unwrap();
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all("code,name,streetCode,provinceCode,cityCode,areaCode\n".as_bytes())
            .unwrap();
        e.finish().unwrap()
    };
    std::fs::write(dir.join("villages.csv.gz"), gz).unwrap();
    std::fs::write(
        dir.join("streets.csv"),
        "code,name,areaCode,provinceCode,cityCode\n420281001,\"东岳路街道\",420281,42,4202\n",
    )
    .unwrap();
    let rep = db
        .store
        .import_regions(
            &Actor::system(),
            RegionSource::Path(dir.clone()),
            "nbs2023",
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(rep.inserted, 4);
    let r = db
        .store
        .region(&Actor::system(), &code("420281001"))
        .await
        .unwrap();
    assert_eq!(r.path, "42/4202/420281/420281001/");
    assert_eq!(r.source, "nbs2023");
    std::fs::remove_dir_all(dir).unwrap();
});

on_both!(only_administrators_import, |db| {
    seed_regions(&db.store).await;
    let op = add_user(
        &db.store,
        &Actor::system(),
        "op-all",
        Role::CenterOperator,
        "",
    )
    .await
    .actor();
    let r = db
        .store
        .import_regions(&op, common::SMALL_REGIONS, "x", &|_| {})
        .await;
    assert!(matches!(r, Err(StoreError::Forbidden)));
});

on_both!(
    a_fault_after_the_first_batches_leaves_nothing_behind,
    |db| {
        seed_regions(&db.store).await;
        let sys = Actor::system();
        // 30,000 good villages are written in batches before the planner reaches the bad one;
        // the transaction must still roll back whole.
        let mut text = String::from("level,code,parent_code,name\n");
        for t in 0..30 {
            text.push_str(&format!("4,420202{:03},420202,街道{t}\n", t + 100));
            for v in 0..1000 {
                text.push_str(&format!(
                    "5,420202{:03}{:03},420202{:03},社区{t}-{v}\n",
                    t + 100,
                    v,
                    t + 100
                ));
            }
        }
        text.push_str("5,420202999001,420202999,无上级的社区\n");
        let (dir, src) = write_csv(&text);
        let err = db
            .store
            .import_regions(&sys, src, "big", &|_| {})
            .await
            .unwrap_err();
        let StoreError::Rows(rows) = err else {
            panic!("expected row errors, got {err:?}")
        };
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 30_032);
        assert_eq!(count(&db.store).await.unwrap(), 11);
        // The indexes are intact after the rollback.
        assert!(
            db.store
                .region_children(&sys, Some(&code("420202")))
                .await
                .unwrap()
                .len()
                == 1
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
);

on_both!(
    a_parent_in_the_file_that_cannot_hold_the_row_is_named,
    |db| {
        seed_regions(&db.store).await;
        let (dir, src) = write_csv(
            "level,code,parent_code,name\n\
         2,4203,42,十堰市\n\
         4,420202009,4203,错挂的街道\n\
         5,420203001009,420203001009,自己挂自己\n",
        );
        let StoreError::Rows(rows) = db
            .store
            .import_regions(&Actor::system(), src, "bad", &|_| {})
            .await
            .unwrap_err()
        else {
            panic!("expected row errors")
        };
        let got: Vec<(u64, &str, &str)> = rows
            .iter()
            .map(|r| (r.line, r.field.as_str(), r.en.as_str()))
            .collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!((got[0].0, got[0].1), (3, "parent_code"));
        assert!(got[0].2.contains("does not lead"), "{}", got[0].2);
        assert_eq!(got[1].0, 4);
        assert!(got[1].2.contains("cannot hold"), "{}", got[1].2);
        std::fs::remove_dir_all(dir).unwrap();
    }
);
