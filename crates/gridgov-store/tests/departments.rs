#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Linked departments on both backends, as stories of a district's center: it sets up the
//! district's departments and their handlers, and cannot reach into the district next door.

use gridgov_core::auth::{Actor, Role};
use gridgov_core::departments::Sector;
use gridgov_store::departments::{Department, DepartmentFilter, DepartmentInput};
use gridgov_store::testing::{add_user, seed_regions};
use gridgov_store::users::User;
use gridgov_store::{Store, StoreError, on_both};

/// 黄石港区 and 西塞山区 of the fixture, a street and a community of the first.
const GANG: &str = "420202";
const XISAI: &str = "420203";
const STREET: &str = "420202001";
const XINJIE: &str = "420202001001";

fn input(name: &str, sector: &str, region: &str) -> DepartmentInput {
    DepartmentInput {
        name: name.into(),
        sector: sector.into(),
        region_code: region.into(),
        phone: "0714-6251234".into(),
    }
}

/// The refusal is a field error with this field and code.
fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>, field: &str, code: &str) {
    match r {
        Err(StoreError::Invalid(i)) => assert!(
            i.0.iter().any(|e| e.field == field && e.code == code),
            "{field}/{code} not in {i:?}"
        ),
        other => panic!("expected {field}/{code}, got {other:?}"),
    }
}

struct District {
    op: Actor,
    op_b: Actor,
    city_op: Actor,
    worker: Actor,
    handler: User,
}

async fn district(store: &Store) -> District {
    seed_regions(store).await;
    let sys = Actor::system();
    let op = add_user(store, &sys, "gang-op", Role::CenterOperator, GANG).await;
    let op_b = add_user(store, &sys, "xisai-op", Role::CenterOperator, XISAI).await;
    let city_op = add_user(store, &sys, "city-op", Role::CenterOperator, "4202").await;
    let worker = add_user(store, &sys, "xinjie-gw", Role::GridWorker, XINJIE).await;
    let handler = add_user(store, &sys, "gang-cg", Role::DepartmentHandler, GANG).await;
    District {
        op: op.actor(),
        op_b: op_b.actor(),
        city_op: city_op.actor(),
        worker: worker.actor(),
        handler,
    }
}

async fn cg(store: &Store, op: &Actor) -> Department {
    store
        .create_department(op, &input("黄石港区城管执法局", "城管", GANG))
        .await
        .unwrap()
}

on_both!(a_district_center_creates_the_districts_department, |db| {
    let s = &db.store;
    let d = district(s).await;
    let cg = cg(s, &d.op).await;
    assert_eq!(cg.name, "黄石港区城管执法局");
    assert_eq!(cg.sector, Sector::UrbanManagement);
    assert_eq!(
        (cg.region_code.as_str(), cg.region_name.as_str()),
        (GANG, "黄石港区")
    );
    assert_eq!(cg.path, "42/4202/420202/");
    assert!(cg.active);
    assert_eq!((cg.version, cg.members), (1, 0));
    let audit = s.list_audit(&d.op, 50, None).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.resource == format!("department:{}", cg.id)
                && a.action == "department.create"
                && a.scope_path == "42/4202/420202/")
    );
    // A township's department too; a community has none of its own.
    s.create_department(
        &d.op,
        &input("胜阳港街道城管中队", "urban_management", STREET),
    )
    .await
    .unwrap();
    refused(
        s.create_department(&d.op, &input("新街社区警务室", "公安", XINJIE))
            .await,
        "region_code",
        "village_level",
    );
    // One name per region.
    match s
        .create_department(&d.op, &input("黄石港区城管执法局", "城管", GANG))
        .await
    {
        Err(StoreError::Conflict(f)) => assert_eq!((f.field.as_str(), f.code), ("name", "taken")),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(s.verify_audit().await.unwrap().first_broken.is_none());
});

on_both!(the_district_next_door_is_out_of_reach, |db| {
    let s = &db.store;
    let d = district(s).await;
    // Creating one there is refused as an unknown region would be.
    refused(
        s.create_department(&d.op, &input("西塞山区城管执法局", "城管", XISAI))
            .await,
        "region_code",
        "unknown_region",
    );
    let theirs = s
        .create_department(&d.op_b, &input("西塞山区城管执法局", "城管", XISAI))
        .await
        .unwrap();
    assert!(matches!(
        s.department(&d.op, &theirs.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.update_department(&d.op, &theirs.id, &input("改名", "城管", ""), 1)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.set_department_active(&d.op, &theirs.id, false, 1).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.department_members(&d.op, &theirs.id).await,
        Err(StoreError::NotFound)
    ));
    let listed = s
        .departments(&d.op, &DepartmentFilter::default())
        .await
        .unwrap();
    assert!(listed.is_empty(), "{listed:?}");
    // Nor can one be moved there.
    let cg = cg(s, &d.op).await;
    refused(
        s.update_department(
            &d.op,
            &cg.id,
            &input("黄石港区城管执法局", "城管", XISAI),
            1,
        )
        .await,
        "region_code",
        "unknown_region",
    );
    assert_eq!(s.department(&d.op, &cg.id).await.unwrap(), cg);
    assert!(matches!(
        s.department(&d.op_b, &cg.id).await,
        Err(StoreError::NotFound)
    ));
});

on_both!(departments_above_serve_the_area_below, |db| {
    let s = &db.store;
    let d = district(s).await;
    let city = s
        .create_department(
            &d.city_op,
            &input("黄石市住房和城乡建设局", "住建", "420200"),
        )
        .await
        .unwrap();
    let gang = cg(s, &d.op).await;
    let xisai = s
        .create_department(&d.op_b, &input("西塞山区城管执法局", "城管", XISAI))
        .await
        .unwrap();
    // A grid worker of a community sees the district's and the city's, not the next district's.
    let seen: Vec<String> = s
        .departments(&d.worker, &DepartmentFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.name)
        .collect();
    assert_eq!(seen, ["黄石市住房和城乡建设局", "黄石港区城管执法局"]);
    assert!(s.department(&d.worker, &gang.id).await.is_ok());
    assert!(matches!(
        s.department(&d.worker, &xisai.id).await,
        Err(StoreError::NotFound)
    ));
    // The district's center sees the city's department but it is the city's to change.
    assert!(s.department(&d.op, &city.id).await.is_ok());
    assert!(matches!(
        s.update_department(&d.op, &city.id, &input("改名", "住建", ""), 1)
            .await,
        Err(StoreError::Forbidden)
    ));
    // Filters: by region inside the scope, sector, part of the name.
    let city_op = &d.city_op;
    let only = |f: DepartmentFilter| async move {
        s.departments(city_op, &f)
            .await
            .unwrap()
            .into_iter()
            .map(|x| x.name)
            .collect::<Vec<_>>()
    };
    let f = DepartmentFilter {
        region: GANG.into(),
        ..Default::default()
    };
    assert_eq!(only(f).await, ["黄石港区城管执法局"]);
    let f = DepartmentFilter {
        sector: "城管".into(),
        ..Default::default()
    };
    assert_eq!(only(f).await, ["黄石港区城管执法局", "西塞山区城管执法局"]);
    let f = DepartmentFilter {
        q: "住房".into(),
        ..Default::default()
    };
    assert_eq!(only(f).await, ["黄石市住房和城乡建设局"]);
    let f = DepartmentFilter {
        q: "%".into(),
        ..Default::default()
    };
    assert!(only(f).await.is_empty(), "a wildcard is matched literally");
    assert!(matches!(
        s.departments(
            &d.op,
            &DepartmentFilter {
                region: XISAI.into(),
                ..Default::default()
            }
        )
        .await,
        Err(StoreError::NotFound)
    ));
    // Grid workers see departments but do not make them.
    assert!(matches!(
        s.create_department(&d.worker, &input("新街调解室", "司法", STREET))
            .await,
        Err(StoreError::Forbidden)
    ));
});

on_both!(a_stale_edit_is_a_version_conflict, |db| {
    let s = &db.store;
    let d = district(s).await;
    let cg = cg(s, &d.op).await;
    let renamed = s
        .update_department(
            &d.op,
            &cg.id,
            &input("黄石港区城市管理执法局", "城管", ""),
            1,
        )
        .await
        .unwrap();
    assert_eq!((renamed.version, renamed.region_code.as_str()), (2, GANG));
    assert!(matches!(
        s.update_department(&d.op, &cg.id, &input("又改名", "城管", ""), 1)
            .await,
        Err(StoreError::VersionConflict)
    ));
    assert!(matches!(
        s.set_department_active(&d.op, &cg.id, false, 1).await,
        Err(StoreError::VersionConflict)
    ));
    let off = s
        .set_department_active(&d.op, &cg.id, false, 2)
        .await
        .unwrap();
    assert!(!off.active);
    assert!(
        s.departments(&d.op, &DepartmentFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    let all = DepartmentFilter {
        include_inactive: true,
        ..Default::default()
    };
    assert_eq!(s.departments(&d.op, &all).await.unwrap().len(), 1);
    let on = s
        .set_department_active(&d.op, &cg.id, true, 3)
        .await
        .unwrap();
    assert!(on.active && on.version == 4);
    // Moving it to the street below keeps it inside the scope.
    let moved = s
        .update_department(&d.op, &cg.id, &input("胜阳港城管中队", "城管", STREET), 4)
        .await
        .unwrap();
    assert_eq!(moved.region_code, STREET);
});

on_both!(names_that_show_nothing_are_refused, |db| {
    let s = &db.store;
    let d = district(s).await;
    for hollow in ["\u{200B}\u{200B}\u{200B}", "\u{FEFF}", "   "] {
        refused(
            s.create_department(&d.op, &input(hollow, "城管", GANG))
                .await,
            "name",
            "required",
        );
    }
    refused(
        s.create_department(&d.op, &input("城管\u{200B}执法局", "城管", GANG))
            .await,
        "name",
        "invisible_chars",
    );
    // Every fault at once.
    match s.create_department(&d.op, &input("", "财政", XISAI)).await {
        Err(StoreError::Invalid(i)) => {
            let fields: Vec<&str> = i.0.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["name", "sector", "region_code"]);
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    assert_eq!(
        s.scalar_for_tests("SELECT CAST(COUNT(*) AS BIGINT) FROM departments")
            .await
            .unwrap(),
        0
    );
});

on_both!(
    a_center_adds_a_handler_who_then_works_for_the_department,
    |db| {
        let s = &db.store;
        let d = district(s).await;
        let sys = Actor::system();
        let cg = cg(s, &d.op).await;
        assert_eq!(s.my_department(&d.handler.actor()).await.unwrap(), None);
        let m = s
            .add_department_member(&d.op, &cg.id, "Gang-CG")
            .await
            .unwrap();
        assert_eq!(
            (m.user_id.as_str(), m.username.as_str()),
            (d.handler.id.as_str(), "gang-cg")
        );
        let mine = s.my_department(&d.handler.actor()).await.unwrap().unwrap();
        assert_eq!(
            (mine.id.as_str(), mine.sector),
            (cg.id.as_str(), Sector::UrbanManagement)
        );
        assert_eq!(mine.path, cg.path);
        assert!(mine.active);
        assert_eq!(s.department(&d.op, &cg.id).await.unwrap().members, 1);
        let members = s.department_members(&d.worker, &cg.id).await.unwrap();
        assert_eq!(
            members.len(),
            1,
            "who handles what is no secret in the area"
        );

        // Only handlers, enabled, whose scope covers the district, inside the center's scope.
        refused(
            s.add_department_member(&d.op, &cg.id, "xinjie-gw").await,
            "username",
            "not_a_handler",
        );
        add_user(s, &sys, "street-cg", Role::DepartmentHandler, STREET).await;
        refused(
            s.add_department_member(&d.op, &cg.id, "street-cg").await,
            "username",
            "scope_too_narrow",
        );
        add_user(s, &sys, "xisai-cg", Role::DepartmentHandler, XISAI).await;
        refused(
            s.add_department_member(&d.op, &cg.id, "xisai-cg").await,
            "username",
            "unknown_user",
        );
        refused(
            s.add_department_member(&d.op, &cg.id, "nobody").await,
            "username",
            "unknown_user",
        );
        // One department each.
        let zj = s
            .create_department(&d.op, &input("黄石港区住建局", "住建", GANG))
            .await
            .unwrap();
        match s.add_department_member(&d.op, &zj.id, "gang-cg").await {
            Err(StoreError::Conflict(f)) => assert_eq!(f.code, "in_a_department"),
            other => panic!("expected a conflict, got {other:?}"),
        }
        // The department cannot move where its handler does not reach (the city's center could
        // move it up to the city; the district's handler would no longer see all it serves).
        refused(
            s.update_department(
                &d.city_op,
                &cg.id,
                &input("黄石市城管执法局", "城管", "420200"),
                1,
            )
            .await,
            "region_code",
            "handlers_outside",
        );
        // Nobody else staffs it: the district next door, a grid worker.
        assert!(matches!(
            s.add_department_member(&d.op_b, &cg.id, "gang-cg").await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            s.remove_department_member(&d.worker, &cg.id, &d.handler.id)
                .await,
            Err(StoreError::Forbidden)
        ));
        s.remove_department_member(&d.op, &cg.id, &d.handler.id)
            .await
            .unwrap();
        assert_eq!(s.my_department(&d.handler.actor()).await.unwrap(), None);
        assert!(matches!(
            s.remove_department_member(&d.op, &cg.id, &d.handler.id)
                .await,
            Err(StoreError::NotFound)
        ));
        // A deactivated department takes nobody new.
        let off = s
            .set_department_active(&d.op, &zj.id, false, 1)
            .await
            .unwrap();
        refused(
            s.add_department_member(&d.op, &off.id, "gang-cg").await,
            "department",
            "inactive",
        );
        let audit = s.list_audit(&d.op, 50, None).await.unwrap();
        let actions: Vec<&str> = audit
            .iter()
            .filter(|a| a.resource == format!("department:{}", cg.id))
            .map(|a| a.action.as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "department.member_remove",
                "department.member_add",
                "department.create"
            ]
        );
    }
);
