//! The desk's routes and the operations endpoints, each with its authorization case.

use gridgov_store::testing::PASSWORD;
use serde_json::json;

use super::case::{Access, Body, Case, Ctx, Outside, Send, Target, need::*};
use super::seed::{SIZE, collection, square_feature};

const OWN_SESSION: &str = "ends the caller's own session";
pub const OWN_INBOX: &str = "the caller's own notices: nothing in the request names anyone else's";

/// A bridge of the side's district (a new one, or a change of the standing one).
fn bridge_form(c: &Ctx, id: &str, version: i64) -> Send {
    Send::form(&[
        ("id", id),
        ("kind", "hotline_12345"),
        ("name", &format!("热线{}", c.n)),
        ("region_code", c.side.county),
        ("secret", "matrix-shared-secret-2026"),
        ("push_url", ""),
        (
            "mapping",
            r#"{"external_no": "/no", "title": "/title", "default_category": "06"}"#,
        ),
        ("active", "1"),
        ("version", &version.to_string()),
    ])
}

fn grid_form(c: &Ctx) -> Send {
    Send::form(&[
        ("region", c.side.village),
        ("code", &format!("N{}", c.n)),
        ("name", "新网格"),
        ("kind", "comprehensive"),
        ("household_target", "400"),
    ])
}

/// A new grid's feature in the side's village, on a square nobody else draws on.
pub fn new_grid_geojson(c: &Ctx) -> String {
    let (x0, y0, ..) = c.side.grid.square;
    let x = x0 - 0.01 * (1 + c.n % 10_000) as f64;
    collection(vec![square_feature(
        json!({"region": c.side.village, "code": format!("N{}", c.n), "name": "新网格",
            "household_target": 400}),
        (x, y0, x + SIZE, y0 + SIZE),
    )])
}

/// The grid's square cut into a west and an east half.
pub fn halves_geojson(c: &Ctx) -> String {
    let (x0, y0, x1, y1) = c.obj.square.expect("a grid with a boundary");
    let mid = (x0 + x1) / 2.0;
    collection(vec![
        square_feature(
            json!({"code": format!("W{}", c.n), "name": "西半"}),
            (x0, y0, mid, y1),
        ),
        square_feature(
            json!({"code": format!("E{}", c.n), "name": "东半"}),
            (mid, y0, x1, y1),
        ),
    ])
}

fn upload(c: &Ctx) -> Send {
    let file = super::seed::upload_file(c.side.village, c.side.county, c.n);
    Send {
        query: String::new(),
        body: Body::Multipart(vec![
            ("kind".into(), None, b"persons".to_vec()),
            ("source".into(), None, "社区摸排".as_bytes().to_vec()),
            ("file".into(), Some("matrix.csv".into()), file.into_bytes()),
        ]),
    }
}

pub fn cases() -> Vec<Case> {
    use Target::*;
    vec![
        Case::get("/", Access::Own, Side),
        Case::get("/login", Access::Public("the login form"), Side),
        Case::post("/login", Access::Public("the login form"), Side)
            .send(|_| Send::form(&[("username", "nobody"), ("password", "wrong")])),
        Case::post("/logout", Access::Own, Side)
            .outside(Outside::NotApplicable(OWN_SESSION))
            .spare_session(),
        Case::get(
            "/lang/{lang}",
            Access::Public("sets the language cookie, nothing else"),
            Side,
        )
        .fixed(&[("lang", "en")]),
        Case::get("/regions", VIEW_REGIONS, Side),
        Case::get("/regions/{code}", VIEW_REGIONS, Region),
        Case::get("/admin/users", VIEW_USERS, User)
            .outside(Outside::Filtered)
            .send(|c| Send::query(&[("q", &c.side.user.username)])),
        Case::post("/admin/users", MANAGE_USERS, Side)
            .outside(Outside::Refused)
            .send(|c| {
                Send::form(&[
                    ("username", &format!("new-{}", c.n)),
                    ("display_name", "新用户"),
                    ("role", "grid_worker"),
                    ("scope", c.side.village),
                    ("password", PASSWORD),
                ])
            }),
        Case::get("/admin/users/new", MANAGE_USERS, Side),
        Case::get("/admin/users/{id}", VIEW_USERS, User),
        Case::post("/admin/users/{id}", MANAGE_USERS, User).send(|c| {
            Send::form(&[
                ("display_name", &format!("改名{}", c.n)),
                ("role", "grid_worker"),
                ("scope", c.side.village),
                ("version", &c.obj.version.to_string()),
            ])
        }),
        Case::post("/admin/users/{id}/disable", MANAGE_USERS, User),
        Case::post("/admin/users/{id}/enable", MANAGE_USERS, User),
        Case::post("/admin/users/{id}/password", MANAGE_USERS, User)
            .send(|_| Send::form(&[("password", "reset-pass-2026")])),
        Case::get("/account", Access::Own, Side),
        Case::post("/account/password", Access::Own, Side)
            .outside(Outside::NotApplicable(OWN_SESSION))
            .spare_session()
            .send(|_| {
                Send::form(&[
                    ("current_password", PASSWORD),
                    ("new_password", "changed-pass-2026"),
                ])
            }),
        Case::post("/account/tokens", API_TOKENS, Side)
            .send(|_| Send::form(&[("name", "matrix"), ("valid_days", "30")])),
        Case::post("/account/tokens/{id}/revoke", API_TOKENS, FreshToken),
        Case::get("/audit", VIEW_AUDIT, Side),
        Case::get("/admin/jobs", MANAGE_JOBS, Side),
        Case::post("/admin/jobs/{id}/retry", MANAGE_JOBS, FreshFailedJob),
        Case::get("/admin/notices", MANAGE_JOBS, Side),
        Case::post("/admin/notices/{id}/resend", MANAGE_JOBS, FreshDeadDelivery),
        Case::get("/admin/bridges", MANAGE_JOBS, Side),
        Case::post("/admin/bridges", MANAGE_JOBS, Side)
            .outside(Outside::Refused)
            .send(|c| bridge_form(c, &format!("new-{}", c.n), 0)),
        Case::get("/admin/bridges/{id}", MANAGE_JOBS, Bridge),
        Case::post("/admin/bridges/{id}", MANAGE_JOBS, Bridge)
            .send(|c| bridge_form(c, c.obj.param("id").unwrap_or_default(), c.obj.version)),
        Case::get("/admin/bridge-pushes", MANAGE_JOBS, Side),
        Case::post(
            "/admin/bridge-pushes/{id}/replay",
            MANAGE_JOBS,
            FreshDeadPush,
        ),
        Case::get("/inbox", Access::Own, Side).outside(Outside::NotApplicable(OWN_INBOX)),
        Case::post("/inbox/read-all", Access::Own, Side).outside(Outside::NotApplicable(OWN_INBOX)),
        Case::post("/inbox/{id}/read", Access::Own, FreshNotice),
        Case::get("/grids", VIEW_GRIDS, Side)
            .outside(Outside::NotFound)
            .send(|c| Send::query(&[("region", c.side.village)])),
        Case::post("/grids", MANAGE_GRIDS, Side)
            .outside(Outside::Refused)
            .send(grid_form),
        Case::get("/grids/new", MANAGE_GRIDS, Side),
        Case::get("/grids/import", MANAGE_GRIDS, Side),
        Case::post("/grids/import", MANAGE_GRIDS, Side)
            .outside(Outside::Refused)
            .send(|c| {
                Send::form(&[
                    ("geojson", &new_grid_geojson(c)),
                    ("crs", "wgs84"),
                    ("allow_gaps", "1"),
                ])
            }),
        Case::post("/grids/merge", MANAGE_GRIDS, FreshGridPair)
            .outside(Outside::Refused)
            .send(|c| {
                Send::form(&[
                    ("ids", &c.obj.grids[0]),
                    ("ids", &c.obj.grids[1]),
                    ("code", &format!("M{}", c.n)),
                    ("name", "合并网格"),
                ])
            }),
        Case::post("/grids/one-per-village", MANAGE_GRIDS, Side)
            .outside(Outside::Refused)
            .send(|c| Send::form(&[("region", c.side.township), ("household_target", "400")])),
        Case::get("/grids/{id}", VIEW_GRIDS, Grid),
        Case::get("/grids/{id}/edit", MANAGE_GRIDS, Grid),
        Case::post("/grids/{id}/edit", MANAGE_GRIDS, Grid).send(|c| {
            Send::form(&[
                ("name", &format!("改名{}", c.n)),
                ("kind", "comprehensive"),
                ("household_target", "420"),
                ("version", &c.obj.version.to_string()),
            ])
        }),
        Case::post("/grids/{id}/retire", MANAGE_GRIDS, FreshGrid)
            .send(|c| Send::form(&[("reason", "撤并"), ("version", &c.obj.version.to_string())])),
        Case::post("/grids/{id}/split", MANAGE_GRIDS, FreshBoundedGrid)
            .send(|c| Send::form(&[("geojson", &halves_geojson(c)), ("crs", "wgs84")])),
        Case::post("/grids/{id}/staff", MANAGE_STAFF, FreshGrid).send(|c| {
            Send::form(&[
                ("username", &c.home.staff.username),
                ("duty", "grid_worker"),
            ])
        }),
        Case::post("/grids/{id}/staff/remove", MANAGE_STAFF, FreshStaffedGrid)
            .send(|c| Send::form(&[("user_id", &c.home.staff.id), ("duty", "grid_worker")])),
        Case::post("/grids/{id}/micro-grids", MANAGE_GRIDS, Grid).send(|c| {
            Send::form(&[
                ("code", &format!("W{}", c.n)),
                ("name", "微网格"),
                ("buildings", "2 栋"),
            ])
        }),
        Case::post(
            "/grids/{id}/micro-grids/remove",
            MANAGE_GRIDS,
            FreshMicroGrid,
        )
        .send(|_| Send::form(&[("code", "M1")])),
        Case::post("/grids/{id}/police/claim", CLAIM_GRIDS, FreshGrid),
        Case::post("/grids/{id}/police/pair", MANAGE_GRIDS, FreshGrid)
            .send(|c| Send::form(&[("officer", &c.home.officer.username)])),
        Case::post("/grids/{id}/police/unpair", UNPAIR, FreshPairedGrid),
        Case::get("/grids/{id}/base", VIEW_BASE, Grid),
        Case::get("/buildings/{county}/{id}", VIEW_BASE, Building),
        Case::get("/houses/{county}/{id}", VIEW_BASE, House),
        Case::get("/people", VIEW_BASE, Person)
            .outside(Outside::Filtered)
            .send(|c| Send::query(&[("q", &c.side.person_name)])),
        Case::post("/people/export", VIEW_BASE, Side)
            .outside(Outside::Refused)
            .send(|c| Send::form(&[("region", c.side.village)])),
        Case::get("/people/counts", VIEW_BASE, Side)
            .outside(Outside::NotFound)
            .send(|c| Send::query(&[("region", c.side.village)])),
        Case::get("/people/{county}/{id}", VIEW_BASE, Person),
        Case::post("/people/{county}/{id}/unmask", UNMASK, Person)
            .send(|_| Send::form(&[("field", "id_card_no"), ("reason", "入户核查身份")])),
        Case::get("/import", IMPORT_BASE, Side),
        Case::get("/import/template/{kind}", IMPORT_BASE, Side).fixed(&[("kind", "persons.csv")]),
        Case::post("/import", IMPORT_BASE, Side)
            .outside(Outside::Filtered)
            .send(upload),
        Case::get("/import/{job}", IMPORT_BASE, ImportJob),
        Case::get("/import/{job}/status", IMPORT_BASE, ImportJob),
        Case::get("/import/{job}/report.csv", IMPORT_BASE, ImportJob),
        Case::get("/verification", VERIFY, Side),
        Case::post("/verification/{id}/claim", VERIFY, FreshTask)
            .send(|_| Send::form(&[("status", "open")])),
        Case::post("/verification/{id}/release", VERIFY, FreshClaimedTask)
            .send(|_| Send::form(&[("status", "mine")])),
        Case::post("/verification/{id}/decide", VERIFY, FreshClaimedTask).send(|_| {
            Send::form(&[
                ("status", "mine"),
                ("decision", "keep_record"),
                ("note", "入户核实"),
            ])
        }),
        Case::get("/map", VIEW_GRIDS, Side)
            .outside(Outside::NotFound)
            .send(|c| Send::query(&[("region", c.side.village)])),
        Case::get(
            "/card/{region}/{code}",
            Access::Public("the grid's card behind the QR code at its service station"),
            GridCard,
        ),
        Case::get(
            "/healthz",
            Access::Public("the load balancer's health check"),
            Side,
        ),
        Case::get(
            "/metrics",
            Access::Public("Prometheus scrapes it; counts by route pattern, no records"),
            Side,
        ),
        Case::get(
            "/static/{file}",
            Access::Public("the desk's own CSS and JS"),
            Side,
        )
        .fixed(&[("file", "app.css")]),
    ]
}
