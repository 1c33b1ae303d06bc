#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Optional numbers (a house's area, a place's location) written with and without a value in
//! turn, on both backends. On PostgreSQL a statement once run with such a number missing used to
//! refuse a later value ("incorrect binary data format"), a server error from the fifth or so
//! house; the authorization matrix met it creating houses with and without areas.

mod records_support;

use gridgov_store::on_both;
use gridgov_store::records::{HouseInput, PlaceInput};
use records_support::{building, town};

on_both!(houses_and_places_take_numbers_after_none, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let w = &t.worker;
    let b = s.create_building(w, &building(&t.g1, "B1")).await.unwrap();
    let mut houses = Vec::new();
    for i in 0..12 {
        let area = if i % 2 == 0 { "" } else { "70.25" };
        let h = s
            .create_house(
                w,
                "420202",
                &b.id,
                &HouseInput {
                    unit: "1".into(),
                    number: format!("{}", 101 + i),
                    house_use: "自住".into(),
                    area_m2: area.into(),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("house {i} (area {area:?}): {e}"));
        assert_eq!(h.area_m2, (i % 2 == 1).then_some(70.25), "house {i}");
        houses.push(h);
    }
    // Edits go from a value to none and back.
    for (i, h) in houses.iter().enumerate() {
        let area = if i % 2 == 0 { "55.5" } else { "" };
        let input = HouseInput {
            unit: h.unit.clone(),
            number: h.number.clone(),
            house_use: "出租".into(),
            area_m2: area.into(),
        };
        let after = s
            .update_house(w, "420202", &h.id, &input, h.version)
            .await
            .unwrap_or_else(|e| panic!("edit of house {i}: {e}"));
        assert_eq!(after.area_m2, (i % 2 == 0).then_some(55.5), "edit {i}");
    }
    for i in 0..12 {
        let located = i % 2 == 1;
        let p = s
            .create_place(
                w,
                &PlaceInput {
                    grid_id: t.g1.clone(),
                    name: format!("场所{i}"),
                    kind: "水域".into(),
                    lng: if located {
                        "115.0512".into()
                    } else {
                        String::new()
                    },
                    lat: if located {
                        "30.2104".into()
                    } else {
                        String::new()
                    },
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("place {i}: {e}"));
        let expected = located.then_some((115.0512, 30.2104));
        assert_eq!(p.lng.zip(p.lat), expected, "place {i}");
    }
});
