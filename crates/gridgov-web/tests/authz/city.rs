//! The city the matrix runs in: district A (黄石港区) where every caller works, district B
//! (西塞山区) next door, each with one record of every kind; one signed-in user per role.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use gridgov_core::auth::{Actor, Role};
use gridgov_core::ids::id_check_char;
use gridgov_store::Store;
use gridgov_store::testing::{PASSWORD, seed_regions};
use gridgov_store::users::User;
use gridgov_store::users_bulk::RosterEntry;

use super::http::Http;
use super::seed::{self, Square};

/// One role's signed-in user, by cookie (desk) and bearer token (API).
pub struct Member {
    pub role: Role,
    pub user: User,
    pub cookie: String,
    pub csrf: String,
    pub token: String,
    /// A second user of the same role and scope, for requests that end a session.
    pub spare: User,
    /// A desk import this member started, when the role may import.
    pub job: Option<String>,
}

/// A grid and its square boundary (x0, y0, x1, y1).
#[derive(Debug, Clone)]
pub struct GridRef {
    pub id: String,
    pub code: String,
    pub square: Square,
}

/// The standing records of one district.
pub struct Side {
    pub label: &'static str,
    pub township: &'static str,
    pub village: &'static str,
    /// A village whose outline the region-boundary import is tried with; no grid depends on it.
    pub outline_village: &'static str,
    pub county: &'static str,
    /// The district's scope path.
    pub path: String,
    pub grid: GridRef,
    /// G1's neighbour, for merging.
    pub grid2: GridRef,
    pub person: String,
    pub person_name: String,
    /// The person's full ID number, which edits send again.
    pub person_id_no: String,
    pub building: String,
    pub house: String,
    pub organization: String,
    pub place: String,
    pub camera: String,
    /// An open task left open, for reading.
    pub task: String,
    /// Open tasks handed out to claim (district A only).
    pub tasks: Mutex<Vec<String>>,
    pub form: (String, String),
    /// A user for the user pages to work on.
    pub user: User,
    /// A grid worker to put on grids.
    pub staff: User,
    pub officer: User,
    /// Makes the records: a center operator of the district.
    pub editor: Actor,
    /// A token of `user`, for revoking from outside.
    pub token: String,
    /// A notice of `user`, and a dead delivery of it in the district.
    pub notice: String,
    pub dead_delivery: String,
    /// The district's 12345 bridge, and a dead status push of it.
    pub bridge: String,
    pub dead_push: String,
    /// A desk import of the district's editor.
    pub job: String,
    /// An incident reported in the district's G1 by its editor.
    pub incident: String,
    /// A photo of that incident.
    pub attachment: String,
    /// A supervision card on that incident, addressed to the district's center.
    pub card: String,
    /// The district's department, with `handler` working for it.
    pub department: String,
    pub handler: User,
    /// A handler in no department, for adding (district A's; fresh targets free them first).
    pub free_handler: User,
    /// A category of the tree (shared by the deployment; each side tries its own).
    pub category: &'static str,
    /// What must never appear in an answer to a caller of district A: ids, names, numbers.
    pub markers: Vec<String>,
}

pub struct City {
    pub store: Store,
    pub a: Side,
    pub b: Side,
    pub members: Vec<Member>,
    counter: AtomicU64,
}

impl City {
    /// A number not handed out before, for codes, names and ID numbers.
    pub fn next(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    pub fn side(&self, inside: bool) -> &Side {
        if inside { &self.a } else { &self.b }
    }
}

/// The roles that work a whole district; the others work one village. The system administrator
/// too is given district A, since a whole-country scope would leave nothing outside it.
fn district_wide(role: Role) -> bool {
    matches!(
        role,
        Role::SystemAdmin
            | Role::CenterOperator
            | Role::Leader
            | Role::DepartmentHandler
            | Role::Supervisor
            | Role::Inspector
    )
}

pub const A_VILLAGE: &str = "420202001001";
pub const B_VILLAGE: &str = "420203001001";

/// A valid ID number of the county, unique for `n`.
pub fn id_no(county: &str, n: u64) -> String {
    let first17 = format!("{county}{}0101{:03}", 1950 + (n / 1000) % 50, n % 1000);
    format!("{first17}{}", id_check_char(&first17).unwrap())
}

fn entry(username: &str, role: Role, scope: &str) -> RosterEntry {
    RosterEntry {
        username: username.into(),
        display_name: format!("{username} 测试"),
        role,
        scope: scope.into(),
        phone: String::new(),
    }
}

/// Every account, made as one roster so the password is hashed once.
async fn roster(store: &Store) {
    let mut r = Vec::new();
    for role in Role::ALL {
        let scope = if district_wide(role) {
            "420202"
        } else {
            A_VILLAGE
        };
        r.push(entry(&format!("a-{role}"), role, scope));
        r.push(entry(&format!("a-{role}-x"), role, scope));
    }
    for (name, role, scope) in [
        ("a-editor", Role::CenterOperator, "420202"),
        ("a-target", Role::GridWorker, A_VILLAGE),
        ("a-staff", Role::GridWorker, A_VILLAGE),
        ("a-officer", Role::PoliceOfficer, A_VILLAGE),
        ("b-editor", Role::CenterOperator, "420203"),
        ("b-dept", Role::DepartmentHandler, "420203"),
        ("b-target", Role::GridWorker, B_VILLAGE),
        ("b-staff", Role::GridWorker, B_VILLAGE),
        ("b-officer", Role::PoliceOfficer, B_VILLAGE),
        ("a-handler", Role::DepartmentHandler, "420202"),
        ("a-handler-x", Role::DepartmentHandler, "420202"),
        ("b-handler", Role::DepartmentHandler, "420203"),
    ] {
        r.push(entry(name, role, scope));
    }
    store
        .create_roster(&Actor::system(), &r, PASSWORD)
        .await
        .unwrap();
}

pub async fn user(store: &Store, username: &str) -> User {
    store
        .user_by_username(&Actor::system(), username)
        .await
        .unwrap()
}

pub async fn build(store: &Store, http: &Http) -> City {
    seed_regions(store).await;
    roster(store).await;
    store.seed_categories(&Actor::system()).await.unwrap();
    let counter = AtomicU64::new(1);
    let a = seed::side(store, seed::SideSpec::A, &counter).await;
    let b = seed::side(store, seed::SideSpec::B, &counter).await;
    let mut members = Vec::new();
    for role in Role::ALL {
        members.push(http.sign_in(store, role).await);
    }
    let mut city = City {
        store: store.clone(),
        a,
        b,
        members,
        counter,
    };
    seed::import_jobs(&mut city, http).await;
    city.b.markers.push(city.b.job.clone());
    city
}
