//! Filling a district of the city with one standing record of every kind, through the store as
//! the district's own staff would make them.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::RecordKind;
use gridgov_geo::features::Crs;
use gridgov_store::Store;
use gridgov_store::base::BaseImportOptions;
use gridgov_store::departments::DepartmentInput;
use gridgov_store::grids::BoundaryImport;
use gridgov_store::records::{
    BuildingInput, CameraInput, HouseInput, LinkInput, OrganizationInput, PersonInput, PlaceInput,
};
use gridgov_store::sheets::SheetReader;
use gridgov_store::verify::{CompareOptions, TaskFilter};
use serde_json::{Value, json};

use super::city::{City, GridRef, Side, id_no, user};
use super::http::Http;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SideSpec {
    A,
    B,
}

struct Spec {
    label: &'static str,
    prefix: &'static str,
    district: &'static str,
    township: &'static str,
    village: &'static str,
    outline_village: &'static str,
    path: &'static str,
    /// Where the district's grids are drawn, west to east.
    x0: f64,
    /// Open tasks to raise: district A hands them out to claim.
    tasks: usize,
    district_name: &'static str,
    category: &'static str,
}

const A: Spec = Spec {
    label: "A",
    prefix: "a",
    district: "420202",
    township: "420202001",
    village: "420202001001",
    outline_village: "420202001002",
    path: "42/4202/420202/",
    x0: 115.0,
    tasks: 40,
    district_name: "黄石港区",
    category: "0601",
};

const B: Spec = Spec {
    label: "B",
    prefix: "b",
    district: "420203",
    township: "420203001",
    village: "420203001001",
    outline_village: "420203001001",
    path: "42/4202/420203/",
    x0: 115.5,
    tasks: 2,
    district_name: "西塞山区",
    category: "0602",
};

/// A square boundary as (west, south, east, north) in degrees.
pub type Square = (f64, f64, f64, f64);

/// The south-west corner's latitude of every grid square, and their size in degrees.
pub const Y0: f64 = 30.2;
pub const SIZE: f64 = 0.002;

/// A GeoJSON feature of a square grid.
pub fn square_feature(props: Value, (x0, y0, x1, y1): Square) -> Value {
    json!({
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]},
    })
}

pub fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// Draws new grids (region, code, square) through the boundary import, as the system.
pub async fn draw_grids(store: &Store, grids: &[(&str, &str, Square)]) {
    let features = grids
        .iter()
        .map(|(region, code, sq)| {
            square_feature(
                json!({"region": region, "code": code, "name": format!("{code} 网格"),
                    "household_target": 400}),
                *sq,
            )
        })
        .collect();
    let text = collection(features);
    store
        .import_grid_boundaries(
            &Actor::system(),
            &BoundaryImport {
                file: "matrix.geojson",
                text: &text,
                crs: Crs::Wgs84,
                allow_gaps: true,
            },
        )
        .await
        .unwrap();
}

pub async fn grid_id(store: &Store, village: &str, code: &str) -> String {
    store
        .grid_by_code(&Actor::system(), village, code)
        .await
        .unwrap()
        .grid
        .id
}

/// A report of a matter in the grid.
pub fn incident_input(grid: &str, place: &str) -> gridgov_store::incidents::ReportInput {
    gridgov_store::incidents::ReportInput {
        title: format!("{place}路灯不亮"),
        category: "99".into(),
        grid_id: grid.into(),
        ..Default::default()
    }
}

pub fn person_input(grid: &str, name: &str, id: String) -> PersonInput {
    PersonInput {
        grid_id: grid.into(),
        name: name.into(),
        id_card_no: id,
        phone: "13812345678".into(),
        residence_type: "户籍".into(),
        ..Default::default()
    }
}

pub fn building_input(grid: &str, code: &str, place: &str) -> BuildingInput {
    BuildingInput {
        grid_id: grid.into(),
        code: code.into(),
        address: format!("{place}路{code}号"),
        floors: "7".into(),
        ..Default::default()
    }
}

pub fn house_input(number: &str) -> HouseInput {
    HouseInput {
        unit: "1".into(),
        number: number.into(),
        house_use: "自住".into(),
        area_m2: "86.5".into(),
    }
}

/// The persons file of the template's columns, every row in the side's G1.
fn persons_file(village: &str, rows: &[(String, String, &str)]) -> Box<SheetReader> {
    let mut text = "所属网格,姓名,公民身份号码,联系电话,人口类型\n".to_owned();
    for (name, id, phone) in rows {
        text.push_str(&format!("{village}-G1,{name},{id},{phone},户籍\n"));
    }
    Box::new(SheetReader::from_bytes("matrix.csv", text.into_bytes(), 1 << 20).unwrap())
}

/// Records imported and a survey that gives each another phone: one open task per person.
async fn raise_tasks(store: &Store, editor: &Actor, s: &Spec, counter: &AtomicU64) {
    let rows: Vec<(String, String, &str)> = (0..s.tasks)
        .map(|i| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            (format!("核对{i}"), id_no(s.district, n), "")
        })
        .collect();
    let opts = BaseImportOptions {
        accept_valid: false,
        source: "户籍".into(),
        file_name: "hj.csv".into(),
    };
    let file = persons_file(s.village, &rows);
    let r = store
        .import_base(editor, RecordKind::Persons, file, &opts, Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(r.committed, "{r:?}");
    let survey: Vec<(String, String, &str)> = rows
        .into_iter()
        .map(|(name, id, _)| (name, id, "13912345678"))
        .collect();
    let opts = CompareOptions {
        source: "社区摸排".into(),
        file_name: "survey.csv".into(),
        ..CompareOptions::default()
    };
    store
        .compare_source(
            editor,
            persons_file(s.village, &survey),
            &opts,
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
}

pub fn form_definition(key: &str) -> Value {
    json!({
        "target": "persons", "key": key, "title_zh": "居家养老", "title_en": "Home elderly care",
        "department": "民政局",
        "fields": [{"key": "living", "label_zh": "居住状况", "label_en": "Living",
            "type": "choice", "options": ["独居", "空巢"], "required": true}]
    })
}

pub async fn side(store: &Store, which: SideSpec, counter: &AtomicU64) -> Side {
    let s = if which == SideSpec::A { &A } else { &B };
    let sys = Actor::system();
    let editor = user(store, &format!("{}-editor", s.prefix)).await.actor();
    let sq1 = (s.x0, Y0, s.x0 + SIZE, Y0 + SIZE);
    let sq2 = (s.x0 + SIZE, Y0, s.x0 + 2.0 * SIZE, Y0 + SIZE);
    draw_grids(store, &[(s.village, "G1", sq1), (s.village, "G2", sq2)]).await;
    let g1 = grid_id(store, s.village, "G1").await;
    let g2 = grid_id(store, s.village, "G2").await;
    let staff = user(store, &format!("{}-staff", s.prefix)).await;
    let officer = user(store, &format!("{}-officer", s.prefix)).await;
    let target = user(store, &format!("{}-target", s.prefix)).await;
    store
        .assign_staff(&sys, &g1, &staff.username, "grid_worker")
        .await
        .unwrap();
    store
        .add_micro_grid(&sys, &g1, "M1", "一号微网格", "1 栋")
        .await
        .unwrap();
    store
        .pair_police(&sys, &g1, Some(&officer.username))
        .await
        .unwrap();

    // One record of every kind, made by the district's center operator.
    let place_name = if which == SideSpec::A {
        "桂花湾"
    } else {
        "八泉"
    };
    let person_name = format!("{place_name}张三");
    let full_id = id_no(s.district, counter.fetch_add(1, Ordering::Relaxed));
    let p = store
        .create_person(&editor, &person_input(&g1, &person_name, full_id.clone()))
        .await
        .unwrap();
    let b = store
        .create_building(&editor, &building_input(&g1, "B1", place_name))
        .await
        .unwrap();
    let h = store
        .create_house(&editor, &p.county_code, &b.id, &house_input("101"))
        .await
        .unwrap();
    let link = LinkInput {
        house_id: h.id.clone(),
        relation: "本人".into(),
        since: String::new(),
    };
    store
        .link_person_house(&editor, &p.county_code, &p.id, &link)
        .await
        .unwrap();
    let o = store
        .create_organization(
            &editor,
            &OrganizationInput {
                grid_id: g1.clone(),
                name: format!("{place_name}巡逻队"),
                kind: "群防群治".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let pl = store
        .create_place(
            &editor,
            &PlaceInput {
                grid_id: g1.clone(),
                name: format!("{place_name}公园"),
                kind: "水域".into(),
                lng: format!("{}", s.x0 + 0.0005),
                lat: format!("{}", Y0 + 0.0005),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let c = store
        .create_camera(
            &editor,
            &CameraInput {
                grid_id: g1.clone(),
                code: format!("CAM-{}", s.label),
                name: format!("{place_name}路口"),
                lng: format!("{}", s.x0 + 0.0005),
                lat: format!("{}", Y0 + 0.0005),
            },
        )
        .await
        .unwrap();
    let form_author = if which == SideSpec::A {
        editor.clone()
    } else {
        user(store, "b-dept").await.actor()
    };
    let form_key = format!("care_{}", s.prefix);
    let form = store
        .create_form(&form_author, &form_definition(&form_key))
        .await
        .unwrap();
    raise_tasks(store, &editor, s, counter).await;
    let filter = TaskFilter {
        limit: 500,
        ..TaskFilter::default()
    };
    let mut tasks: Vec<String> = store
        .verification_tasks(&editor, &filter)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    let task = tasks.pop().unwrap();
    let (token, _) = store
        .create_api_token(&target.actor(), "matrix", Some(30))
        .await
        .unwrap();
    let (notice, dead_delivery) = notice_with_dead_delivery(
        store,
        &target.id,
        s.path,
        900_000_000 + u64::from(which == SideSpec::B),
    )
    .await;
    let bridge = format!("{}-bridge", s.prefix);
    store
        .save_bridge(
            &Actor::system(),
            &gridgov_store::bridges::BridgeInput {
                id: bridge.clone(),
                kind: "hotline_12345".into(),
                name: format!("{}12345热线", s.district_name),
                region_code: s.district.into(),
                secret: "matrix-shared-secret-2026".into(),
                push_url: "https://12345.example/status".into(),
                mapping: r#"{"external_no": "/no", "title": "/title", "default_category": "06"}"#
                    .into(),
                active: true,
                version: 0,
            },
        )
        .await
        .unwrap();
    let dead_push = dead_push(
        store,
        &bridge,
        s.path,
        910_000_000 + u64::from(which == SideSpec::B),
    )
    .await;
    let department = store
        .create_department(
            &editor,
            &DepartmentInput {
                name: format!("{}城管执法局", s.district_name),
                sector: "urban_management".into(),
                region_code: s.district.into(),
                phone: "0714-6251234".into(),
            },
        )
        .await
        .unwrap();
    let handler = user(store, &format!("{}-handler", s.prefix)).await;
    store
        .add_department_member(&editor, &department.id, &handler.username)
        .await
        .unwrap();
    let free_handler = user(store, "a-handler-x").await;

    // An incident in G1, on a category of the deployment's tree.
    store
        .execute_raw_for_tests(
            "INSERT INTO incident_categories (code, parent_code, level, name, name_en, \
             default_grade, sectors, evidence_required, sort_order, created_at, updated_at) \
             VALUES ('99', NULL, 1, '其他', 'other', 'general', '', 0, 99, 0, 0) \
             ON CONFLICT (code) DO NOTHING",
        )
        .await
        .unwrap();
    // With a photo, for the attachment routes.
    let photo = store
        .store_attachment(
            &editor,
            &gridgov_store::attachments::Placement::Pending(
                gridgov_store::attachments::OwnerKind::Incident,
            ),
            gridgov_store::attachments::Upload {
                file_name: format!("{}-photo.png", s.prefix),
                bytes: gridgov_store::testing::images::png(64, 48),
            },
        )
        .await
        .unwrap();
    let mut report = incident_input(&g1, place_name);
    report.attachments = vec![photo.id.clone()];
    let incident = store.report_incident(&editor, &report, None).await.unwrap();
    // A card on it from the city, written as the supervision module writes one (the city's
    // center is not among the seeded users).
    let card = format!("{}-card", s.prefix);
    store
        .execute_raw_for_tests(&format!(
            "INSERT INTO supervision_cards (county_code, id, incident_id, colour, state, \
             issuer_id, issuer_path, addressee_type, addressee_id, addressee_path, note, due_at, \
             created_at, updated_at) VALUES ('{}', '{card}', '{}', 'yellow', 'issued', '{}', \
             '42/4202/', 'center', '{}', '{}', '请限期书面回复', 4102444800000, 0, 0)",
            incident.county_code, incident.id, editor.user_id, incident.county_code, s.path,
        ))
        .await
        .unwrap();
    let full_id_no = full_id.clone();
    let county = if which == SideSpec::A {
        "420202"
    } else {
        "420203"
    };
    let mut markers = vec![
        g1.clone(),
        g2.clone(),
        p.id.clone(),
        b.id.clone(),
        h.id.clone(),
        o.id.clone(),
        pl.id.clone(),
        c.id.clone(),
        task.clone(),
        target.id.clone(),
        incident.id.clone(),
        incident.number.clone(),
        photo.id.clone(),
        card.clone(),
        staff.id.clone(),
        officer.id.clone(),
        token.id.clone(),
        notice.clone(),
        dead_delivery.clone(),
        bridge.clone(),
        dead_push.clone(),
        full_id.clone(),
        place_name.to_owned(),
        department.id.clone(),
        handler.id.clone(),
    ];
    markers.extend(tasks.iter().cloned());
    if which == SideSpec::B {
        // The district's own name: nobody in district A may read of it.
        markers.extend(
            [
                "西塞山",
                "b-target",
                "b-staff",
                "b-officer",
                "b-editor",
                "b-dept",
                "b-handler",
            ]
            .map(String::from),
        );
    }
    Side {
        label: s.label,
        township: s.township,
        village: s.village,
        outline_village: s.outline_village,
        county,
        path: s.path.to_owned(),
        grid: GridRef {
            id: g1,
            code: "G1".into(),
            square: sq1,
        },
        grid2: GridRef {
            id: g2,
            code: "G2".into(),
            square: sq2,
        },
        person: p.id.clone(),
        person_name,
        person_id_no: full_id_no,
        building: b.id.clone(),
        house: h.id.clone(),
        organization: o.id.clone(),
        place: pl.id.clone(),
        camera: c.id.clone(),
        task,
        tasks: Mutex::new(tasks),
        form: (form.summary.id, form_key),
        user: target,
        staff,
        officer,
        editor,
        token: token.id,
        notice,
        dead_delivery,
        bridge,
        dead_push,
        job: String::new(),
        incident: incident.id.clone(),
        attachment: photo.id,
        card,
        department: department.id,
        handler,
        free_handler,
        category: s.category,
        markers,
    }
}

/// A persons file of one new resident of the village's G1, for a desk import.
pub fn upload_file(village: &str, county: &str, n: u64) -> String {
    format!(
        "所属网格,姓名,公民身份号码,人口类型\n{village}-G1,导入{n},{},户籍\n",
        id_no(county, n)
    )
}

/// A finished desk import for each member who may import, and one of each district's editor:
/// someone else's, which the others must not see.
pub async fn import_jobs(city: &mut City, http: &Http) {
    for i in 0..city.members.len() {
        if city.members[i].role.can(Permission::ImportBaseData) {
            let file = upload_file(city.a.village, city.a.county, city.next());
            let m = &city.members[i];
            let job = http.import_job(&m.cookie, &m.csrf, &file).await;
            city.members[i].job = Some(job);
        }
    }
    for inside in [true, false] {
        let side = city.side(inside);
        let file = upload_file(side.village, side.county, city.next());
        let editor = user(&city.store, &side.editor.username).await;
        let (cookie, csrf) = http.session(&city.store, &editor).await;
        let job = http.import_job(&cookie, &csrf, &file).await;
        if inside {
            city.a.job = job;
        } else {
            city.b.job = job;
        }
    }
}

/// A notice for `user_id` and a delivery of it in `path` that is dead (every attempt failed),
/// as the sender would leave it; `n` keeps each one's event apart.
pub async fn notice_with_dead_delivery(
    store: &Store,
    user_id: &str,
    path: &str,
    n: u64,
) -> (String, String) {
    let key = format!("matrix:{user_id}:{n}");
    let notice = gridgov_store::notices::NewNotice {
        kind: gridgov_core::notify::NoticeKind::Overdue,
        county_code: None,
        incident_id: None,
        incident_number: format!("SJ-MATRIX-{n}"),
        title: "矩阵测试".into(),
        params: serde_json::json!({}),
        event_key: key.clone(),
        path: path.to_owned(),
    };
    store
        .enqueue_notices_for_tests(&notice, &[user_id.to_owned()])
        .await;
    let id = store
        .scalar_text_for_tests(&format!(
            "SELECT id FROM notices WHERE event_key = '{key}' AND user_id = '{user_id}'"
        ))
        .await
        .unwrap();
    let dead = format!("dead-{n}-{}", &id[id.len() - 8..]);
    store
        .execute_raw_for_tests(&format!(
            "INSERT INTO notice_deliveries (id, notice_id, channel, target, dedupe_key, path, \
             state, next_at, attempts, max_attempts, last_error, created_at, updated_at) \
             VALUES ('{dead}', '{id}', 'wecom', '值班群', '{key}|wecom|值班群', '{path}', 'dead', \
             0, 5, 5, 'HTTP 500', 0, 0)"
        ))
        .await
        .unwrap();
    (id, dead)
}

/// A status push of `bridge` in `path` that is dead (every attempt failed), as the sender would
/// leave it; `n` keeps each one apart.
pub async fn dead_push(store: &Store, bridge: &str, path: &str, n: u64) -> String {
    let id = format!("push-{n}");
    store
        .execute_raw_for_tests(&format!(
            "INSERT INTO bridge_pushes (id, bridge_id, external_no, county_code, incident_id, \
             status, body, dedupe_key, path, state, next_at, attempts, max_attempts, last_error, \
             created_at, updated_at) VALUES ('{id}', '{bridge}', 'HS-{n}', '420202', 'none', \
             'accepted', '{{}}', 'matrix:{id}', '{path}', 'dead', 0, 6, 6, 'HTTP 502', 0, 0)"
        ))
        .await
        .unwrap();
    id
}
