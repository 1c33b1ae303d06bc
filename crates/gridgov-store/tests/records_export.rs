#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Exports of persons on both backends: masked by default, in full only with the unmask
//! permission and a reason, logged once with the number of persons revealed.

mod records_support;

use gridgov_store::StoreError;
use gridgov_store::on_both;
use gridgov_store::records::PersonExport;
use records_support::{id_no, person, town};

async fn read_all(mut e: PersonExport) -> String {
    let mut out = Vec::new();
    while let Some(chunk) = e.chunks.next().await {
        out.extend(chunk.unwrap());
    }
    String::from_utf8(out).unwrap()
}

on_both!(exports_mask_unless_a_reason_is_given, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let mut p = person(&t.g1, "蒋五", "42020219750707002");
    p.phone = "13700001111".into();
    s.create_person(&t.worker, &p).await.unwrap();
    // Enough rows to cross the chunk size, so the streaming path is exercised.
    for i in 0..700 {
        let first17 = format!(
            "4202021976{:02}{:02}{:03}",
            i % 12 + 1,
            i % 28 + 1,
            100 + i / 84
        );
        s.create_person(&t.worker, &person(&t.g2, &format!("居民{i:04}"), &first17))
            .await
            .unwrap();
    }
    let full = id_no("42020219750707002");

    let masked = s.export_persons(&t.worker, None, None).await.unwrap();
    assert_eq!((masked.rows, masked.revealed), (701, false));
    let csv = read_all(masked).await;
    assert!(
        csv.starts_with("所属网格,姓名,公民身份号码"),
        "{}",
        &csv[..80]
    );
    assert_eq!(csv.lines().count(), 702);
    assert!(!csv.contains(&full) && !csv.contains("13700001111"));
    assert!(csv.contains("420202001001-G1,蒋五,420202********") && csv.contains("137****1111"));
    // Masked exports reveal nothing, so the unmask log stays empty.
    assert!(
        s.unmask_log(&t.center, None, 10, None)
            .await
            .unwrap()
            .is_empty()
    );

    assert!(matches!(
        s.export_persons(&t.leader, None, Some("年度核查比对"))
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        s.export_persons(&t.worker, None, Some("查")).await,
        Err(StoreError::Invalid(_))
    ));
    let revealed = s
        .export_persons(&t.worker, None, Some("年度核查比对"))
        .await
        .unwrap();
    assert!(revealed.revealed);
    let csv = read_all(revealed).await;
    assert!(csv.contains(&full) && csv.contains("13700001111"));
    let log = s.unmask_log(&t.center, None, 10, None).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].export_rows, Some(701));
    assert_eq!(log[0].person_id, None);
    assert_eq!(log[0].reason, "年度核查比对");

    // Narrowed to a region outside the scope: not found.
    assert!(matches!(
        s.export_persons(
            &t.worker,
            Some("42/4202/420202/420202001/420202001002/"),
            None
        )
        .await,
        Err(StoreError::NotFound)
    ));
});

on_both!(exported_cells_never_start_a_formula, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let mut p = person(&t.g1, "=HYPERLINK(\"http://x\",\"y\")", "42020219750707002");
    p.registered_address = "+cmd|' /C calc'!A0".into();
    s.create_person(&t.worker, &p).await.unwrap();
    s.create_person(&t.worker, &person(&t.g1, "@SUM(1+1)", "42020219750708003"))
        .await
        .unwrap();
    for reveal in [None, Some("年度核查比对")] {
        let csv = read_all(s.export_persons(&t.worker, None, reveal).await.unwrap()).await;
        assert!(
            csv.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",")
                && csv.contains(",'+cmd|' /C calc'!A0,")
                && csv.contains(",'@SUM(1+1),"),
            "{csv}"
        );
        for line in csv.lines() {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('"');
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "{cell:?} in {line}"
                );
            }
        }
    }
});
