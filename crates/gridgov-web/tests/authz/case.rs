//! What one authorization case says about a route: who may use it, which record it is tried on,
//! what "outside the scope" means for it, and how to fill the request.

use axum::http::Method;
use gridgov_core::auth::{Permission, Role};
use serde_json::Value;

use super::city::Side;
use super::seed::Square;

/// Who may use the route.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    /// Anyone, without logging in (why it is public).
    Public(&'static str),
    /// Any signed-in user, about themselves only: nothing in the request names a record.
    Own,
    /// A signed-in user holding any one of these permissions.
    Needs(&'static [Permission]),
}

impl Access {
    /// Whether the role holds what the route needs.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public(_) | Access::Own => true,
            Access::Needs(ps) => ps.iter().any(|p| role.can(*p)),
        }
    }
}

/// What trying the route on district B (outside every caller's scope) must give.
#[derive(Debug, Clone, Copy)]
pub enum Outside {
    /// A record named in the path: 404 (403 for a role without the permission), and nothing of
    /// district B changes.
    NotFound,
    /// A record or region named in the query or body: refused as one that does not exist would
    /// be (403, 404 or 422), and nothing of district B changes.
    Refused,
    /// A search, or an import whose rows name district B: any answer but a server error, with
    /// nothing of district B in it and nothing of district B changed.
    Filtered,
    /// District B's record is as visible as A's by design (why).
    Shared(&'static str),
    /// Nothing in the request can be placed in district B (why).
    NotApplicable(&'static str),
}

/// The record a case is tried on, which fills the path's parameters. `Fresh…` targets are made
/// anew for each role allowed to use the route (inside the scope), because the route uses them
/// up (delete, retire, claim); outside the scope the standing record of district B serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Nothing in the path; the body or query reads the side's regions and grids.
    Side,
    /// The village, as `{code}`.
    Region,
    Grid,
    FreshGrid,
    /// A fresh grid with a boundary, to split.
    FreshBoundedGrid,
    /// Two fresh neighbouring grids with boundaries, to merge (ids in the body).
    FreshGridPair,
    /// A fresh grid with the side's staff member on duty.
    FreshStaffedGrid,
    /// A fresh grid with micro-grid `M1`.
    FreshMicroGrid,
    /// A fresh grid paired with a police officer (the caller, when the caller is one).
    FreshPairedGrid,
    /// The grid's public card: `{region}`/`{region_code}` and `{code}`.
    GridCard,
    Person,
    FreshPerson,
    /// A fresh person living in the side's house, as `{id}` and `{house_id}`.
    FreshLink,
    Building,
    FreshBuilding,
    House,
    FreshHouse,
    Organization,
    FreshOrganization,
    Place,
    FreshPlace,
    Camera,
    FreshCamera,
    /// The side's person with a form: `{kind}`, `{id}`, `{form_id}`.
    RecordForm,
    Form,
    /// An open verification task, for reading.
    Task,
    /// The district's standing incident, as `{county}` and `{id}`.
    Incident,
    /// The photo of the district's standing incident, as `{id}`.
    Attachment,
    /// The supervision card on the district's standing incident, as `{county}` and `{id}`.
    Card,
    /// A fresh open task, to claim.
    FreshTask,
    /// A fresh task claimed by the caller (when the caller may claim), to release or decide.
    FreshClaimedTask,
    User,
    /// An API token: a fresh one of the caller inside, someone else's outside.
    FreshToken,
    /// A desk import: the caller's own inside (when the caller may import), another user's
    /// outside.
    ImportJob,
    /// The side's department, its handler as `{user_id}`.
    Department,
    /// A fresh department in district A, with district A's free handler in no department.
    FreshDepartment,
    /// A fresh department in district A with the free handler working for it, as `{user_id}`.
    FreshMember,
    /// The side's category of the tree, as `{code}`.
    Category,
    /// A fresh failed job in district A's scope, to retry; outside, district B's import job.
    FreshFailedJob,
    /// A fresh notice of the caller, to mark read; outside, a notice of district B's user.
    FreshNotice,
    /// A fresh dead delivery in district A, to resend; outside, district B's.
    FreshDeadDelivery,
    /// The district's 12345 bridge, as `{id}`.
    Bridge,
    /// A fresh dead status push of district A's bridge, to replay; outside, district B's.
    FreshDeadPush,
}

/// How a request's body is sent.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Json(Value),
    /// A GeoJSON file, as the boundary uploads take it.
    GeoJson(String),
    /// A form; the CSRF field is added for the caller's session.
    Form(Vec<(String, String)>),
    /// A multipart upload: (name, file name, content); the CSRF part goes first (on the desk).
    Multipart(Vec<(String, Option<String>, Vec<u8>)>),
}

/// The query string (without `?`) and body of one request.
#[derive(Debug, Clone)]
pub struct Send {
    pub query: String,
    pub body: Body,
}

impl Send {
    pub fn none() -> Send {
        Send {
            query: String::new(),
            body: Body::Empty,
        }
    }

    pub fn query(q: &[(&str, &str)]) -> Send {
        Send {
            query: serde_urlencoded::to_string(q).unwrap(),
            body: Body::Empty,
        }
    }

    pub fn json(v: Value) -> Send {
        Send {
            query: String::new(),
            body: Body::Json(v),
        }
    }

    pub fn form(fields: &[(&str, &str)]) -> Send {
        Send {
            query: String::new(),
            body: Body::Form(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            ),
        }
    }

    pub fn geojson(text: String) -> Send {
        Send {
            query: String::new(),
            body: Body::GeoJson(text),
        }
    }

    pub fn with_query(mut self, q: &[(&str, &str)]) -> Send {
        self.query = serde_urlencoded::to_string(q).unwrap();
        self
    }
}

/// A record made ready for one request: its path parameters and what bodies read of it.
#[derive(Debug, Clone, Default)]
pub struct Obj {
    /// Path parameters by name.
    pub params: Vec<(&'static str, String)>,
    /// The record's version, for edits and deletes.
    pub version: i64,
    /// Grid ids, for merging.
    pub grids: Vec<String>,
    /// The grid's boundary as (x0, y0, x1, y1), for splitting.
    pub square: Option<Square>,
    /// A form's key, for publishing a version of it.
    pub form_key: String,
}

impl Obj {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a body is built from.
pub struct Ctx<'a> {
    /// The district the request is about.
    pub side: &'a Side,
    /// The caller's own district (A), for what a body names besides the record: a caller can
    /// only name people of their own scope.
    pub home: &'a Side,
    pub obj: &'a Obj,
    /// Unique per request, for codes and names that must not repeat.
    pub n: u64,
}

/// One route with its authorization case.
pub struct Case {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub target: Target,
    pub outside: Outside,
    /// Path parameters that do not come from the target (`{lang}`, `{file}`, `{kind}`).
    pub fixed: &'static [(&'static str, &'static str)],
    pub send: fn(&Ctx) -> Send,
    /// The request is sent with a session of its own, because it ends the session (logout,
    /// password change).
    pub spare_session: bool,
}

fn nothing(_: &Ctx) -> Send {
    Send::none()
}

impl Case {
    fn new(method: Method, path: &'static str, access: Access, target: Target) -> Case {
        let outside = match (access, target) {
            (Access::Public(why), _) => Outside::NotApplicable(why),
            (_, Target::Side) => Outside::NotApplicable(
                "names no record; answers of the caller's own scope, in which nothing of \
                 district B may appear",
            ),
            _ => Outside::NotFound,
        };
        Case {
            method,
            path,
            access,
            target,
            outside,
            fixed: &[],
            send: nothing,
            spare_session: false,
        }
    }

    pub fn get(path: &'static str, access: Access, target: Target) -> Case {
        Case::new(Method::GET, path, access, target)
    }

    pub fn post(path: &'static str, access: Access, target: Target) -> Case {
        Case::new(Method::POST, path, access, target)
    }

    pub fn put(path: &'static str, access: Access, target: Target) -> Case {
        Case::new(Method::PUT, path, access, target)
    }

    pub fn patch(path: &'static str, access: Access, target: Target) -> Case {
        Case::new(Method::PATCH, path, access, target)
    }

    pub fn delete(path: &'static str, access: Access, target: Target) -> Case {
        Case::new(Method::DELETE, path, access, target)
    }

    pub fn send(mut self, f: fn(&Ctx) -> Send) -> Case {
        self.send = f;
        self
    }

    pub fn outside(mut self, o: Outside) -> Case {
        self.outside = o;
        self
    }

    pub fn fixed(mut self, params: &'static [(&'static str, &'static str)]) -> Case {
        self.fixed = params;
        self
    }

    pub fn spare_session(mut self) -> Case {
        self.spare_session = true;
        self
    }

    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }

    pub fn writes(&self) -> bool {
        self.method != Method::GET
    }

    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// The permissions, shortened for the case lists.
pub mod need {
    use super::Access;
    use gridgov_core::auth::Permission::*;

    pub const VIEW_REGIONS: Access = Access::Needs(&[ViewRegions]);
    pub const MANAGE_REGIONS: Access = Access::Needs(&[ManageRegions]);
    pub const VIEW_USERS: Access = Access::Needs(&[ViewUsers]);
    pub const MANAGE_USERS: Access = Access::Needs(&[ManageUsers]);
    pub const VIEW_AUDIT: Access = Access::Needs(&[ViewAudit]);
    pub const API_TOKENS: Access = Access::Needs(&[UseApiTokens]);
    pub const VIEW_GRIDS: Access = Access::Needs(&[ViewGrids]);
    pub const MANAGE_GRIDS: Access = Access::Needs(&[ManageGrids]);
    pub const MANAGE_STAFF: Access = Access::Needs(&[ManageGridStaff]);
    pub const CLAIM_GRIDS: Access = Access::Needs(&[ClaimGrids]);
    /// Unpairing: an officer their own claim, a grid manager any pairing.
    pub const UNPAIR: Access = Access::Needs(&[ClaimGrids, ManageGrids]);
    pub const VIEW_BASE: Access = Access::Needs(&[ViewBaseData]);
    pub const EDIT_BASE: Access = Access::Needs(&[EditBaseData]);
    pub const IMPORT_BASE: Access = Access::Needs(&[ImportBaseData]);
    pub const UNMASK: Access = Access::Needs(&[UnmaskPersonalData]);
    /// Forms are read by whoever sees base data and by those who manage forms.
    pub const READ_FORMS: Access = Access::Needs(&[ViewBaseData, ManageForms]);
    pub const MANAGE_FORMS: Access = Access::Needs(&[ManageForms]);
    pub const VERIFY: Access = Access::Needs(&[VerifyRecords]);
    /// Comparisons are listed for those who run them and those who work their tasks.
    pub const COMPARISONS: Access = Access::Needs(&[CompareSources, VerifyRecords]);
    pub const VIEW_INCIDENTS: Access = Access::Needs(&[ViewIncidents]);
    pub const REPORT_INCIDENTS: Access = Access::Needs(&[ReportIncidents]);
    pub const VIEW_DEPARTMENTS: Access = Access::Needs(&[ViewDepartments]);
    pub const MANAGE_DEPARTMENTS: Access = Access::Needs(&[ManageDepartments]);
    pub const VIEW_CATEGORIES: Access = Access::Needs(&[ViewCategories]);
    pub const MANAGE_CATEGORIES: Access = Access::Needs(&[ManageCategories]);
    pub const MANAGE_JOBS: Access = Access::Needs(&[ManageJobs]);
    pub const VIEW_SETTINGS: Access = Access::Needs(&[ViewSettings]);
    pub const MANAGE_SETTINGS: Access = Access::Needs(&[ManageSettings]);
}
