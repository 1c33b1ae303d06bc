#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Settings per region on both backends, as stories: the city sets a limit, a district
//! overrides it for its own area, a community's grid worker cannot touch any of it, and the
//! district next door neither sees nor changes the district's settings.

use gridgov_core::auth::{Actor, Role};
use gridgov_core::deadlines::Step;
use gridgov_core::incidents::Grade;
use gridgov_core::settings::{PhoneShown, SettingKind, SettingValue, Source, parse_text};
use gridgov_store::settings::{RegionSettings, SettingChange};
use gridgov_store::testing::{add_user, seed_regions};
use gridgov_store::{Store, StoreError, on_both};

const CITY: &str = "4202";
const GANG: &str = "420202";
const XISAI: &str = "420203";
const XINJIE: &str = "420202001001";

struct People {
    city: Actor,
    gang: Actor,
    xisai: Actor,
    worker: Actor,
    leader: Actor,
}

async fn people(store: &Store) -> People {
    seed_regions(store).await;
    let sys = Actor::system();
    let add = |name: &'static str, role, scope: &'static str| async move {
        add_user(store, &Actor::system(), name, role, scope)
            .await
            .actor()
    };
    let _ = sys;
    People {
        city: add("city-op", Role::CenterOperator, CITY).await,
        gang: add("gang-op", Role::CenterOperator, GANG).await,
        xisai: add("xisai-op", Role::CenterOperator, XISAI).await,
        worker: add("xinjie-gw", Role::GridWorker, XINJIE).await,
        leader: add("gang-leader", Role::Leader, GANG).await,
    }
}

fn set(kind: SettingKind, text: &str, version: i64) -> SettingChange {
    SettingChange {
        kind,
        value: Some(parse_text(kind, text).unwrap()),
        version,
    }
}

fn entry(s: &RegionSettings, kind: SettingKind) -> &gridgov_store::settings::SettingEntry {
    s.settings.iter().find(|e| e.kind == kind).unwrap()
}

fn limit_of(s: &RegionSettings, grade: Grade, step: Step) -> (i64, Source) {
    let e = s
        .limits
        .iter()
        .find(|l| l.grade == grade && l.step == step)
        .unwrap();
    (e.limit.amount, e.source.clone())
}

fn region(code: &str, name: &str) -> Source {
    Source::Region {
        code: code.into(),
        name: name.into(),
    }
}

const M: PhoneShown = PhoneShown::Masked;

on_both!(
    a_district_overrides_the_citys_limit_for_its_own_area,
    |db| {
        let s = &db.store;
        let p = people(s).await;
        let before = s.region_settings(&p.gang, GANG, M).await.unwrap();
        assert_eq!(
            limit_of(&before, Grade::General, Step::Handle),
            (7, Source::Default)
        );
        assert!(entry(&before, SettingKind::TimeLimits).own.is_none());
        assert_eq!(
            entry(&before, SettingKind::EscalationLadder).source,
            Source::Default
        );

        s.change_region_setting(
            &p.city,
            CITY,
            &set(SettingKind::TimeLimits, "handle 12 days", 0),
            M,
        )
        .await
        .unwrap();
        let seen = s.region_settings(&p.gang, GANG, M).await.unwrap();
        assert_eq!(
            limit_of(&seen, Grade::General, Step::Handle),
            (12, region(CITY, "黄石市"))
        );

        let mine = s
            .change_region_setting(
                &p.gang,
                GANG,
                &set(SettingKind::TimeLimits, "handle 5 days * general", 0),
                M,
            )
            .await
            .unwrap();
        assert_eq!(
            limit_of(&mine, Grade::General, Step::Handle),
            (5, region(GANG, "黄石港区"))
        );
        // The district's rule names the general grade: the city's still holds for the others.
        assert_eq!(
            limit_of(&mine, Grade::Serious, Step::Handle),
            (12, region(CITY, "黄石市"))
        );
        let own = entry(&mine, SettingKind::TimeLimits).own.clone().unwrap();
        assert_eq!(
            (own.version, own.text.as_str()),
            (1, "handle 5 days * general")
        );
        // A village below sees the district's value with the district as its source.
        let below = s.region_settings(&p.gang, XINJIE, M).await.unwrap();
        assert_eq!(
            limit_of(&below, Grade::General, Step::Handle),
            (5, region(GANG, "黄石港区"))
        );
        // The district next door still has the city's.
        let next = s.region_settings(&p.xisai, XISAI, M).await.unwrap();
        assert_eq!(
            limit_of(&next, Grade::General, Step::Handle),
            (12, region(CITY, "黄石市"))
        );

        // A stale version is refused and changes nothing; the right one changes, then clears.
        let stale = s
            .change_region_setting(
                &p.gang,
                GANG,
                &set(SettingKind::TimeLimits, "handle 6 days", 0),
                M,
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::VersionConflict)),
            "{stale:?}"
        );
        s.change_region_setting(
            &p.gang,
            GANG,
            &set(SettingKind::TimeLimits, "handle 6 days", 1),
            M,
        )
        .await
        .unwrap();
        let cleared = s
            .change_region_setting(
                &p.gang,
                GANG,
                &SettingChange {
                    kind: SettingKind::TimeLimits,
                    value: None,
                    version: 2,
                },
                M,
            )
            .await
            .unwrap();
        assert_eq!(
            limit_of(&cleared, Grade::General, Step::Handle),
            (12, region(CITY, "黄石市"))
        );
        // Every change is on the district's settings stream: set, change, clear.
        let n = s
            .scalar_for_tests(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE stream = 'settings:420202'",
            )
            .await
            .unwrap();
        assert_eq!(n, 3);
    }
);

on_both!(
    outside_the_scope_nothing_is_seen_and_nothing_changes,
    |db| {
        let s = &db.store;
        let p = people(s).await;
        s.change_region_setting(
            &p.gang,
            GANG,
            &set(SettingKind::HouseholdBand, "100-300", 0),
            M,
        )
        .await
        .unwrap();
        // Xisai's center: the district next door is not found, for reading and writing alike.
        assert!(matches!(
            s.region_settings(&p.xisai, GANG, M).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            s.change_region_setting(
                &p.xisai,
                GANG,
                &set(SettingKind::HouseholdBand, "1-2", 1),
                M
            )
            .await,
            Err(StoreError::NotFound)
        ));
        // The district's center cannot set the city's values, which lie above its scope.
        assert!(matches!(
            s.change_region_setting(&p.gang, CITY, &set(SettingKind::HouseholdBand, "1-2", 0), M)
                .await,
            Err(StoreError::NotFound)
        ));
        // A grid worker neither reads nor writes settings; a leader reads only.
        assert!(matches!(
            s.region_settings(&p.worker, XINJIE, M).await,
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            s.change_region_setting(
                &p.leader,
                GANG,
                &set(SettingKind::HouseholdBand, "1-2", 1),
                M
            )
            .await,
            Err(StoreError::Forbidden)
        ));
        let seen = s.region_settings(&p.leader, GANG, M).await.unwrap();
        assert_eq!(
            entry(&seen, SettingKind::HouseholdBand).effective_text,
            "100-300"
        );
        let n = s
        .scalar_for_tests(
            "SELECT CAST(COUNT(*) AS BIGINT) + CAST(SUM(version) AS BIGINT) FROM region_settings",
        )
        .await
        .unwrap();
        assert_eq!(n, 2, "one value at version 1, nothing else");
    }
);

on_both!(
    local_days_add_up_down_the_tree_and_a_day_twice_is_refused,
    |db| {
        let s = &db.store;
        let p = people(s).await;
        s.change_region_setting(
            &p.city,
            CITY,
            &set(SettingKind::LocalDays, "2025-04-11 放假 市庆", 0),
            M,
        )
        .await
        .unwrap();
        let r = s
            .change_region_setting(
                &p.gang,
                GANG,
                &set(
                    SettingKind::LocalDays,
                    "2025-06-16 放假 区庆\n2025-04-11 放假 市庆",
                    0,
                ),
                M,
            )
            .await;
        match r {
            Err(StoreError::Invalid(i)) => {
                assert_eq!(i.0.len(), 1);
                assert_eq!(
                    (i.0[0].field.as_str(), i.0[0].code),
                    ("local_days[1].date", "set_above")
                );
                assert!(i.0[0].zh.contains("黄石市") && i.0[0].en.contains("黄石市"));
            }
            other => panic!("{other:?}"),
        }
        let ok = s
            .change_region_setting(
                &p.gang,
                GANG,
                &set(
                    SettingKind::LocalDays,
                    "2025-06-16 放假 区庆\n2025-06-21 上班 防汛",
                    0,
                ),
                M,
            )
            .await
            .unwrap();
        let days: Vec<_> = ok
            .local_days
            .iter()
            .map(|d| (d.date.as_str(), d.kind, d.source.clone()))
            .collect();
        assert_eq!(
            days,
            [
                ("2025-04-11", "holiday", region(CITY, "黄石市")),
                ("2025-06-16", "holiday", region(GANG, "黄石港区")),
                ("2025-06-21", "workday", region(GANG, "黄石港区")),
            ]
        );
        // A day entered twice, or twice with two kinds, in one value: named, nothing kept.
        let twice = parse_text(
            SettingKind::LocalDays,
            "2025-06-17 放假 a\n2025-06-17 上班 b",
        );
        assert_eq!(twice.unwrap_err().0[0].code, "conflicting_kind");
        let n = s
            .scalar_for_tests("SELECT CAST(COUNT(*) AS BIGINT) FROM region_settings")
            .await
            .unwrap();
        assert_eq!(n, 2);
    }
);

on_both!(
    the_card_phone_display_is_the_nearest_regions_or_the_deployments,
    |db| {
        let s = &db.store;
        let p = people(s).await;
        let v = s
            .change_region_setting(
                &p.gang,
                GANG,
                &SettingChange {
                    kind: SettingKind::CardPhones,
                    value: Some(SettingValue::CardPhones(PhoneShown::Hidden)),
                    version: 0,
                },
                M,
            )
            .await
            .unwrap();
        assert_eq!(
            entry(&v, SettingKind::CardPhones).source,
            region(GANG, "黄石港区")
        );
        let next = s
            .region_settings(&p.xisai, XISAI, PhoneShown::Full)
            .await
            .unwrap();
        let e = entry(&next, SettingKind::CardPhones);
        assert_eq!(
            (e.effective_text.as_str(), &e.source),
            ("full", &Source::Default)
        );
    }
);

on_both!(a_villages_household_band_sizes_its_grids, |db| {
    use gridgov_core::grids::Sizing;
    use gridgov_store::grids::GridFilter;
    let t = gridgov_store::testing::town::town(&db.store).await;
    let s = &db.store;
    let sys = Actor::system();
    // Both grids hold their target of 400 households: inside the default band of 300–500.
    let g1 = s.grid(&sys, &t.g1).await.unwrap();
    assert_eq!(g1.grid.sizing(), Sizing::Ok);
    // Xinjie sets 100–300: its grid is now above the band; Hubin's is not.
    s.change_region_setting(
        &t.center,
        XINJIE,
        &SettingChange {
            kind: SettingKind::HouseholdBand,
            value: Some(parse_text(SettingKind::HouseholdBand, "100-300").unwrap()),
            version: 0,
        },
        PhoneShown::Masked,
    )
    .await
    .unwrap();
    let g1 = s.grid(&sys, &t.g1).await.unwrap();
    assert_eq!(g1.grid.sizing(), Sizing::High);
    assert_eq!((g1.grid.band.min, g1.grid.band.max), (100, 300));
    assert_eq!(s.grid(&sys, &t.g2).await.unwrap().grid.sizing(), Sizing::Ok);
    // The list's filter, the counts and the map read the same band.
    let high = s
        .grids(
            &t.center,
            &GridFilter {
                sizing: Some(Sizing::High),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(high.len(), 1);
    assert_eq!(high[0].grid.id, t.g1);
    assert_eq!(high[0].grid.sizing(), Sizing::High);
    let counts = s.grid_counts(&t.center, None).await.unwrap();
    assert_eq!((counts.below_band, counts.above_band), (0, 1));
    let map = s.grid_map_rows(&t.center, None).await.unwrap();
    let sizes: Vec<(String, Sizing)> = map.iter().map(|r| (r.id.clone(), r.sizing())).collect();
    assert!(sizes.contains(&(t.g1.clone(), Sizing::High)));
    assert!(sizes.contains(&(t.g2.clone(), Sizing::Ok)));
});
