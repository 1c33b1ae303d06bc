#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A party of an incident named by ID number is looked up inside the reporter's scope only: a
//! number recorded in the next village is answered exactly as a number nobody holds, so a
//! report cannot be used to learn where a person lives. On both databases.

mod records_support;

use gridgov_store::incidents::{PartyInput, ReportInput};
use gridgov_store::on_both;
use gridgov_store::testing::town::town;
use records_support::{id_no, person};

fn report(grid: &str, id_card_no: &str, name: &str) -> ReportInput {
    ReportInput {
        title: "邻里纠纷".into(),
        description: "两户因漏水发生争执。".into(),
        category: "01".into(),
        grid_id: grid.into(),
        address: "新街 3 号".into(),
        parties: vec![PartyInput {
            id_card_no: id_card_no.into(),
            name: name.into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

on_both!(
    a_number_held_outside_the_scope_is_a_number_nobody_holds,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        s.create_person(&t.worker2, &person(&t.g2, "李四", "42020219800101001"))
            .await
            .unwrap();
        let own = s
            .create_person(&t.worker, &person(&t.g1, "张三", "42020219800101011"))
            .await
            .unwrap();
        let (held, nobody) = (id_no("42020219800101001"), id_no("42020219800101021"));

        // Without a name: the same refusal for both numbers.
        let refused = |no: String| {
            let (s, g1, worker) = (s.clone(), t.g1.clone(), t.worker.clone());
            async move {
                format!(
                    "{:?}",
                    s.report_incident(&worker, &report(&g1, &no, ""), None)
                        .await
                        .unwrap_err()
                )
            }
        };
        assert_eq!(refused(held.clone()).await, refused(nobody.clone()).await);

        // With a name: a party as told, linked to no record, for both numbers.
        for no in [&held, &nobody] {
            let i = s
                .report_incident(&t.worker, &report(&t.g1, no, "李四"), None)
                .await
                .unwrap();
            let page = s
                .incident_page(&t.worker, &i.county_code, &i.id)
                .await
                .unwrap();
            let p = &page.parties[0];
            assert_eq!((p.person_id.as_deref(), p.name.as_str()), (None, "李四"));
        }

        // Inside the scope the number finds the record, and its name.
        let i = s
            .report_incident(
                &t.worker,
                &report(&t.g1, &id_no("42020219800101011"), ""),
                None,
            )
            .await
            .unwrap();
        let page = s
            .incident_page(&t.worker, &i.county_code, &i.id)
            .await
            .unwrap();
        let p = &page.parties[0];
        assert_eq!(
            (p.person_id.as_deref(), p.name.as_str()),
            (Some(own.id.as_str()), "张三")
        );
    }
);
