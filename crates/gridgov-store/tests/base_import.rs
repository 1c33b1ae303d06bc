#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Bulk import of base data on both backends: buildings, houses, persons and links; re-import
//! changes nothing; a fault rejects the whole file unless valid rows are accepted; in-file
//! duplicates; the scope of the importer.

use std::sync::Arc;

use gridgov_core::auth::{Actor, Role};
use gridgov_core::base_data::RecordKind;
use gridgov_core::ids::id_check_char;
use gridgov_store::base::{BaseImportOptions, BaseImportReport};
use gridgov_store::grids::GridInput;
use gridgov_store::on_both;
use gridgov_store::sheets::SheetReader;
use gridgov_store::testing::{add_user, seed_regions};
use gridgov_store::{Store, StoreError};

const XINJIE: &str = "420202001001";
const BAQUAN: &str = "420203001001";

/// A valid ID number born in 420202 on 1980-01-01 with this sequence (odd: male).
fn id(seq: u32) -> String {
    let first17 = format!("42020219800101{seq:03}");
    format!("{first17}{}", id_check_char(&first17).unwrap())
}

async fn setup(store: &Store) -> Actor {
    seed_regions(store).await;
    let sys = Actor::system();
    for (region, code) in [(XINJIE, "G1"), (XINJIE, "G2"), (BAQUAN, "G1")] {
        store
            .create_grid(
                &sys,
                &GridInput {
                    region: region.into(),
                    code: code.into(),
                    name: format!("{code} 网格"),
                    kind: "comprehensive".into(),
                    household_target: "400".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    sys
}

async fn import(
    store: &Store,
    actor: &Actor,
    kind: RecordKind,
    csv: &str,
    accept_valid: bool,
) -> BaseImportReport {
    try_import(store, actor, kind, csv, accept_valid)
        .await
        .unwrap()
}

async fn try_import(
    store: &Store,
    actor: &Actor,
    kind: RecordKind,
    csv: &str,
    accept_valid: bool,
) -> Result<BaseImportReport, StoreError> {
    let source = SheetReader::from_bytes("test.csv", csv.as_bytes().to_vec(), 1 << 20).unwrap();
    store
        .import_base(
            actor,
            kind,
            Box::new(source),
            &BaseImportOptions {
                accept_valid,
                source: "社区摸排".into(),
                file_name: format!("{}.csv", kind.as_str()),
            },
            Arc::new(|_| {}),
        )
        .await
}

async fn count(store: &Store, table: &str) -> i64 {
    store
        .scalar_for_tests(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"))
        .await
        .unwrap()
}

const BUILDINGS: &str = "所属网格,楼栋编码,地址,层数,单元数\n\
    420202001001-G1,B1,新街1号,7,2\n\
    420202001001-G2,B1,新街9号,6,\n";

const HOUSES: &str = "所属网格,楼栋编码,单元,门牌号,房屋用途,面积（平方米）\n\
    420202001001-G1,B1,1,101,自住,86.5\n\
    420202001001-G1,B1,1,102,出租,60\n\
    420202001001-G2,B1,,201,空置,\n";

fn persons() -> String {
    format!(
        "所属网格,姓名,公民身份号码,性别,联系电话,人口类型,标签\n\
         420202001001-G1,张三,{},男,13812345678,户籍,独居老人\n\
         420202001001-G1,李四,{},,,流动,\n\
         420202001001-G2,王五,{},,0714-6251234,户籍,\n",
        id(1),
        id(3),
        id(5)
    )
}

on_both!(a_city_block_imports_and_reimports_unchanged, |db| {
    let sys = setup(&db.store).await;
    let r = import(&db.store, &sys, RecordKind::Buildings, BUILDINGS, false).await;
    assert!(r.committed, "{r:?}");
    assert_eq!((r.rows_read, r.inserted, r.rejected), (2, 2, 0));
    assert!(r.first_load);
    let r = import(&db.store, &sys, RecordKind::Houses, HOUSES, false).await;
    assert_eq!((r.inserted, r.rejected), (3, 0), "{r:?}");
    let r = import(&db.store, &sys, RecordKind::Persons, &persons(), false).await;
    assert_eq!((r.inserted, r.rejected, r.warnings), (3, 0, 0), "{r:?}");
    assert!(r.batch_id.is_some());
    let links = format!(
        "公民身份号码,所属网格,楼栋编码,单元,门牌号,与户主关系,居住起始日期\n\
         {},420202001001-G1,B1,1,101,本人,2019-06-01\n\
         {},420202001001-G1,B1,1,102,租户,\n",
        id(1),
        id(3)
    );
    let r = import(&db.store, &sys, RecordKind::Links, &links, false).await;
    assert_eq!((r.inserted, r.rejected), (2, 0), "{r:?}");

    // ID numbers and phones are sealed: neither appears in the clear anywhere in the row.
    let leaked: i64 = db
        .store
        .scalar_for_tests(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM persons WHERE id_card_sealed LIKE '%{}%' \
             OR phone_sealed LIKE '%13812345678%' OR id_card_bidx = '{}'",
            id(1),
            id(1)
        ))
        .await
        .unwrap();
    assert_eq!(leaked, 0);

    // The same files again: nothing changes, not even versions.
    for (kind, csv) in [
        (RecordKind::Buildings, BUILDINGS.to_owned()),
        (RecordKind::Houses, HOUSES.to_owned()),
        (RecordKind::Persons, persons()),
        (RecordKind::Links, links.clone()),
    ] {
        let r = import(&db.store, &sys, kind, &csv, false).await;
        assert!(r.committed && !r.first_load, "{kind:?} {r:?}");
        assert_eq!((r.inserted, r.updated), (0, 0), "{kind:?} {r:?}");
        assert_eq!(r.unchanged, r.rows_read, "{kind:?} {r:?}");
    }
    assert_eq!(count(&db.store, "persons").await, 3);
    let versions: i64 = db
        .store
        .scalar_for_tests("SELECT CAST(MAX(version) AS BIGINT) FROM persons")
        .await
        .unwrap();
    assert_eq!(versions, 1);

    // A changed phone and a moved person: updated in place, keeping the record.
    let changed = persons()
        .replace("13812345678", "13912345678")
        .replace("420202001001-G1,李四", "420202001001-G2,李四");
    let r = import(&db.store, &sys, RecordKind::Persons, &changed, false).await;
    assert_eq!((r.inserted, r.updated, r.unchanged), (0, 2, 1), "{r:?}");
    assert_eq!(count(&db.store, "persons").await, 3);
    assert_eq!(count(&db.store, "import_batches").await, 9);
});

on_both!(
    one_bad_row_rejects_the_file_unless_valid_rows_are_accepted,
    |db| {
        let sys = setup(&db.store).await;
        import(&db.store, &sys, RecordKind::Buildings, BUILDINGS, false).await;
        import(&db.store, &sys, RecordKind::Houses, HOUSES, false).await;
        // Row 3 has a wrong check digit, row 4 an unknown grid, row 5 repeats row 2.
        let mut bad_id = id(3);
        let last = if bad_id.ends_with('0') { '1' } else { '0' };
        bad_id.pop();
        bad_id.push(last);
        let csv = format!(
            "所属网格,姓名,公民身份号码,人口类型\n\
         420202001001-G1,张三,{},户籍\n\
         420202001001-G1,李四,{bad_id},户籍\n\
         420202001001-G9,王五,{},户籍\n\
         420202001001-G1,张三,{},户籍\n",
            id(1),
            id(5),
            id(1)
        );
        let r = import(&db.store, &sys, RecordKind::Persons, &csv, false).await;
        assert!(!r.committed);
        assert_eq!((r.rows_read, r.rejected, r.inserted), (4, 3, 0), "{r:?}");
        let rows: Vec<(u64, &str, &str)> = r
            .faults
            .iter()
            .map(|f| (f.row, f.column.as_str(), f.code.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (3, "id_card_no", "bad_check_digit"),
                (4, "grid", "unknown_grid"),
                (5, "id_card_no", "duplicate_in_file")
            ]
        );
        // The report masks the ID number and names the row that came first.
        assert_eq!(r.faults[2].value, format!("420202********{}", &id(1)[14..]));
        assert_eq!(r.faults[2].en, "duplicates row 2");
        assert_eq!(count(&db.store, "persons").await, 0);
        assert_eq!(count(&db.store, "import_batches").await, 2);
        // The indexes dropped for the first load are back.
        let csv_ok = format!(
            "所属网格,姓名,公民身份号码,人口类型\n420202001001-G1,张三,{},户籍\n",
            id(1)
        );
        let r = import(&db.store, &sys, RecordKind::Persons, &csv_ok, false).await;
        assert_eq!(r.inserted, 1);

        // With --accept-valid the good rows go in and the bad ones are reported.
        let r = import(&db.store, &sys, RecordKind::Persons, &csv, true).await;
        assert!(r.committed);
        assert_eq!((r.rejected, r.inserted, r.unchanged), (3, 0, 1), "{r:?}");

        // A missing required column rejects the file at its header.
        let r = import(
            &db.store,
            &sys,
            RecordKind::Persons,
            "所属网格,姓名\n420202001001-G1,张三\n",
            true,
        )
        .await;
        assert!(!r.committed);
        assert_eq!(r.faults[0].code, "missing_column");

        // Links to a person who is not recorded.
        let links = format!(
            "公民身份号码,所属网格,楼栋编码,门牌号\n{},420202001001-G1,B1,101\n{},420202001001-G1,B1,101\n",
            id(1),
            id(7)
        );
        let r = import(&db.store, &sys, RecordKind::Links, &links, false).await;
        assert!(!r.committed);
        assert_eq!(r.faults[0].code, "unknown_house", "{r:?}");
        let links = links
            .replace(",B1,101\n", ",B1,1,101\n")
            .replace("门牌号", "单元,门牌号");
        let r = import(&db.store, &sys, RecordKind::Links, &links, false).await;
        assert!(!r.committed);
        assert_eq!(
            (r.faults[0].row, r.faults[0].code.as_str()),
            (3, "unknown_person")
        );
        assert_eq!(count(&db.store, "person_houses").await, 0);
        let r = import(&db.store, &sys, RecordKind::Links, &links, true).await;
        assert!(r.committed);
        assert_eq!((r.inserted, r.rejected), (1, 1), "{r:?}");
    }
);

on_both!(an_importer_writes_only_inside_their_scope, |db| {
    let sys = setup(&db.store).await;
    let officer = add_user(
        &db.store,
        &sys,
        "xisai-center",
        Role::CenterOperator,
        "420203",
    )
    .await;
    let actor = officer.actor();
    // The buildings of 黄石港区 are outside 西塞山区's center: reported as unknown grids.
    let r = import(&db.store, &actor, RecordKind::Buildings, BUILDINGS, true).await;
    assert_eq!((r.rejected, r.inserted), (2, 0), "{r:?}");
    assert!(r.faults.iter().all(|f| f.code == "unknown_grid"));
    let r = import(
        &db.store,
        &actor,
        RecordKind::Buildings,
        "所属网格,楼栋编码,地址\n420203001001-G1,B1,八泉1号\n",
        false,
    )
    .await;
    assert_eq!(r.inserted, 1);
    // A grid worker may not import at all.
    let worker = add_user(&db.store, &sys, "worker", Role::GridWorker, "420203").await;
    let worker = worker.actor();
    let e = try_import(&db.store, &worker, RecordKind::Buildings, BUILDINGS, true)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden), "{e:?}");
});

on_both!(links_reach_only_persons_inside_the_importers_scope, |db| {
    let sys = setup(&db.store).await;
    // 湖滨社区, the other community of 黄石港区: same county, outside the importer's scope.
    db.store
        .create_grid(
            &sys,
            &GridInput {
                region: "420202001002".into(),
                code: "G1".into(),
                name: "湖滨 G1 网格".into(),
                kind: "comprehensive".into(),
                household_target: "400".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    import(&db.store, &sys, RecordKind::Buildings, BUILDINGS, false).await;
    import(&db.store, &sys, RecordKind::Houses, HOUSES, false).await;
    let persons = format!(
        "所属网格,姓名,公民身份号码,人口类型\n\
         420202001001-G1,张三,{},户籍\n\
         420202001002-G1,李四,{},户籍\n",
        id(1),
        id(3)
    );
    let r = import(&db.store, &sys, RecordKind::Persons, &persons, false).await;
    assert_eq!(r.inserted, 2, "{r:?}");
    let officer = add_user(
        &db.store,
        &sys,
        "xinjie-center",
        Role::CenterOperator,
        XINJIE,
    )
    .await;
    let links = format!(
        "公民身份号码,所属网格,楼栋编码,单元,门牌号,与户主关系\n\
         {},420202001001-G1,B1,1,101,本人\n\
         {},420202001001-G1,B1,1,102,租户\n",
        id(1),
        id(3)
    );
    // 李四 lives in 湖滨: to 新街's center the number is unknown, as if nobody had it.
    let r = import(&db.store, &officer.actor(), RecordKind::Links, &links, true).await;
    assert_eq!((r.inserted, r.rejected), (1, 1), "{r:?}");
    assert_eq!(
        (r.faults[0].row, r.faults[0].code.as_str()),
        (3, "unknown_person")
    );
    assert_eq!(count(&db.store, "person_houses").await, 1);
    // Whether anyone is recorded at all is scoped too.
    assert!(db.store.has_persons(&officer.actor()).await.unwrap());
    let xisai = add_user(
        &db.store,
        &sys,
        "xisai-center",
        Role::CenterOperator,
        "420203",
    )
    .await;
    assert!(!db.store.has_persons(&xisai.actor()).await.unwrap());
});

on_both!(the_fault_report_never_hands_a_formula_to_excel, |db| {
    let sys = setup(&db.store).await;
    let file = format!(
        "所属网格,姓名,公民身份号码,民族,人口类型\n\
         +cmd|' /C calc'!A0,张三,{},汉族,户籍\n\
         420202001001-G1,李四,{},\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",户籍\n",
        id(1),
        id(3)
    );
    let r = import(&db.store, &sys, RecordKind::Persons, &file, false).await;
    assert!(!r.committed && r.faults.len() == 2, "{r:?}");
    let report = gridgov_store::base::import_report_csv(RecordKind::Persons, &r.faults);
    assert!(report.starts_with('\u{feff}'));
    assert!(
        report.contains(",'+cmd|' /C calc'!A0,")
            && report.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","),
        "{report}"
    );
});
