//! Making a case's record ready: the standing record of the district asked for, or a fresh one
//! in district A for a route that uses its record up.

use gridgov_core::auth::{Actor, Role};
use gridgov_store::departments::DepartmentInput;
use gridgov_store::grids::GridInput;
use gridgov_store::records::{CameraInput, LinkInput, OrganizationInput, PlaceInput};

use super::case::{Obj, Target};
use super::city::{City, Member, Side, id_no};
use super::seed::{
    SIZE, Square, Y0, building_input, draw_grids, grid_id, house_input, person_input,
};

/// The table a target's version is read from, its key column and the path parameter holding
/// the key.
fn versioned(t: Target) -> Option<(&'static str, &'static str, &'static str)> {
    match t {
        Target::Category => Some(("incident_categories", "code", "code")),
        Target::Bridge => Some(("bridges", "id", "id")),
        _ => table(t).map(|t| (t, "id", "id")),
    }
}

fn table(t: Target) -> Option<&'static str> {
    use Target::*;
    Some(match t {
        Grid | FreshGrid | FreshBoundedGrid | FreshStaffedGrid | FreshMicroGrid
        | FreshPairedGrid => "grids",
        Person | FreshPerson | FreshLink => "persons",
        Building | FreshBuilding => "buildings",
        House | FreshHouse => "houses",
        Organization | FreshOrganization => "organizations",
        Place | FreshPlace => "places",
        Camera | FreshCamera => "cameras",
        User => "users",
        Incident => "incidents",
        Department | FreshDepartment | FreshMember => "departments",
        _ => return None,
    })
}

fn is_fresh(t: Target) -> bool {
    use Target::*;
    matches!(
        t,
        FreshGrid
            | FreshBoundedGrid
            | FreshGridPair
            | FreshStaffedGrid
            | FreshMicroGrid
            | FreshPairedGrid
            | FreshPerson
            | FreshLink
            | FreshBuilding
            | FreshHouse
            | FreshOrganization
            | FreshPlace
            | FreshCamera
            | FreshTask
            | FreshClaimedTask
            | FreshFailedJob
            | FreshNotice
            | FreshDeadDelivery
            | FreshDeadPush
            | FreshToken
            | FreshDepartment
            | FreshMember
    )
}

fn grid_obj(id: &str, square: Option<Square>) -> Obj {
    Obj {
        params: vec![("id", id.to_owned())],
        square,
        ..Obj::default()
    }
}

fn record(county: &str, id: &str) -> Obj {
    Obj {
        params: vec![("county", county.to_owned()), ("id", id.to_owned())],
        ..Obj::default()
    }
}

impl City {
    /// The record `target` names for `me`, inside district A or outside in district B. A fresh
    /// record is made only inside and only for a caller allowed to use the route: anyone else
    /// must be refused, and is tried on the standing record, which must then stay as it was.
    pub async fn prepare(&self, target: Target, inside: bool, me: &Member, allowed: bool) -> Obj {
        let side = self.side(inside);
        let mut obj = if inside && allowed && is_fresh(target) {
            self.fresh(target, &self.a, me).await
        } else {
            self.standing(target, side, inside, me)
        };
        if let Some((t, key, param)) = versioned(target)
            && let Some(id) = obj.param(param)
        {
            let sql = format!("SELECT version FROM {t} WHERE {key} = '{id}'");
            obj.version = self.store.scalar_for_tests(&sql).await.unwrap();
        }
        obj
    }

    fn standing(&self, target: Target, side: &Side, inside: bool, me: &Member) -> Obj {
        use Target::*;
        let village = side.village.to_owned();
        match target {
            Side => Obj::default(),
            Region => Obj {
                params: vec![("code", village)],
                ..Obj::default()
            },
            Grid | FreshGrid | FreshBoundedGrid | FreshMicroGrid | FreshPairedGrid => {
                grid_obj(&side.grid.id, Some(side.grid.square))
            }
            FreshStaffedGrid => {
                let mut o = grid_obj(&side.grid.id, Some(side.grid.square));
                o.params.push(("user_id", side.staff.id.clone()));
                o
            }
            FreshGridPair => Obj {
                grids: vec![side.grid.id.clone(), side.grid2.id.clone()],
                ..Obj::default()
            },
            GridCard => Obj {
                params: vec![
                    ("region", village.clone()),
                    ("region_code", village),
                    ("code", side.grid.code.clone()),
                ],
                ..Obj::default()
            },
            Person | FreshPerson => record(side.county, &side.person),
            FreshLink => {
                let mut o = record(side.county, &side.person);
                o.params.push(("house_id", side.house.clone()));
                o
            }
            Building | FreshBuilding => record(side.county, &side.building),
            House | FreshHouse => record(side.county, &side.house),
            Organization | FreshOrganization => record(side.county, &side.organization),
            Place | FreshPlace => record(side.county, &side.place),
            Camera | FreshCamera => record(side.county, &side.camera),
            RecordForm => Obj {
                params: vec![
                    ("kind", "persons".to_owned()),
                    ("id", side.person.clone()),
                    ("form_id", side.form.0.clone()),
                ],
                ..Obj::default()
            },
            Form => Obj {
                params: vec![("id", side.form.0.clone())],
                form_key: side.form.1.clone(),
                ..Obj::default()
            },
            Incident => record(side.county, &side.incident),
            Card => record(side.county, &side.card),
            Attachment => Obj {
                params: vec![("id", side.attachment.clone())],
                ..Obj::default()
            },
            Task | FreshTask | FreshClaimedTask => Obj {
                params: vec![("id", side.task.clone())],
                ..Obj::default()
            },
            User => Obj {
                params: vec![("id", side.user.id.clone())],
                ..Obj::default()
            },
            FreshToken => Obj {
                params: vec![("id", side.token.clone())],
                ..Obj::default()
            },
            Department | FreshDepartment | FreshMember => Obj {
                params: vec![
                    ("id", side.department.clone()),
                    ("user_id", side.handler.id.clone()),
                ],
                ..Obj::default()
            },
            Category => Obj {
                params: vec![("code", side.category.to_owned())],
                ..Obj::default()
            },
            // Inside: the caller's own import when they may import, otherwise the district
            // editor's, which is someone else's and must not be shown.
            ImportJob => {
                let job = match (&me.job, inside) {
                    (Some(j), true) => j.clone(),
                    _ => side.job.clone(),
                };
                Obj {
                    params: vec![("job", job.clone()), ("id", job)],
                    ..Obj::default()
                }
            }
            FreshFailedJob => Obj {
                params: vec![("id", side.job.clone())],
                ..Obj::default()
            },
            FreshNotice => Obj {
                params: vec![("id", side.notice.clone())],
                ..Obj::default()
            },
            FreshDeadDelivery => Obj {
                params: vec![("id", side.dead_delivery.clone())],
                ..Obj::default()
            },
            Bridge => Obj {
                params: vec![("id", side.bridge.clone())],
                ..Obj::default()
            },
            FreshDeadPush => Obj {
                params: vec![("id", side.dead_push.clone())],
                ..Obj::default()
            },
        }
    }

    /// A square of its own for a fresh grid, east of the standing ones.
    fn square(&self, n: u64) -> Square {
        let x = self.a.grid.square.0 + 0.01 * (n % 10_000) as f64;
        (x, Y0, x + SIZE, Y0 + SIZE)
    }

    async fn fresh_grid(&self) -> String {
        let code = format!("F{}", self.next());
        let input = GridInput {
            region: self.a.village.into(),
            code,
            name: "临时网格".into(),
            household_target: "400".into(),
            ..Default::default()
        };
        self.store
            .create_grid(&Actor::system(), &input)
            .await
            .unwrap()
            .grid
            .id
    }

    async fn fresh(&self, target: Target, a: &Side, me: &Member) -> Obj {
        use Target::*;
        let sys = Actor::system();
        let s = &self.store;
        let ed = &a.editor;
        let n = self.next();
        match target {
            FreshGrid => grid_obj(&self.fresh_grid().await, None),
            FreshBoundedGrid | FreshGridPair => {
                let sq = self.square(n);
                let sq2 = (sq.2, sq.1, sq.2 + SIZE, sq.3);
                let (c1, c2) = (format!("S{n}"), format!("T{n}"));
                draw_grids(s, &[(a.village, &c1, sq), (a.village, &c2, sq2)]).await;
                let g1 = grid_id(s, a.village, &c1).await;
                let g2 = grid_id(s, a.village, &c2).await;
                Obj {
                    grids: vec![g1.clone(), g2],
                    ..grid_obj(&g1, Some(sq))
                }
            }
            FreshStaffedGrid => {
                let g = self.fresh_grid().await;
                s.assign_staff(&sys, &g, &a.staff.username, "grid_worker")
                    .await
                    .unwrap();
                let mut o = grid_obj(&g, None);
                o.params.push(("user_id", a.staff.id.clone()));
                o
            }
            FreshMicroGrid => {
                let g = self.fresh_grid().await;
                s.add_micro_grid(&sys, &g, "M1", "一号微网格", "1 栋")
                    .await
                    .unwrap();
                grid_obj(&g, None)
            }
            FreshPairedGrid => {
                let g = self.fresh_grid().await;
                // An officer unpairs only their own claim: pair the caller when they are one.
                let officer = if me.role == Role::PoliceOfficer {
                    &me.user.username
                } else {
                    &a.officer.username
                };
                s.pair_police(&sys, &g, Some(officer)).await.unwrap();
                grid_obj(&g, None)
            }
            FreshPerson | FreshLink => {
                let p = s
                    .create_person(ed, &person_input(&a.grid.id, "临时", id_no(a.county, n)))
                    .await
                    .unwrap();
                let mut o = record(&p.county_code, &p.id);
                if target == FreshLink {
                    let link = LinkInput {
                        house_id: a.house.clone(),
                        relation: "租户".into(),
                        since: String::new(),
                    };
                    s.link_person_house(ed, a.county, &p.id, &link)
                        .await
                        .unwrap();
                    o.params.push(("house_id", a.house.clone()));
                }
                o
            }
            FreshBuilding => {
                let b = s
                    .create_building(ed, &building_input(&a.grid.id, &format!("F{n}"), "临时"))
                    .await
                    .unwrap();
                record(a.county, &b.id)
            }
            FreshHouse => {
                let h = s
                    .create_house(ed, a.county, &a.building, &house_input(&format!("9{n}")))
                    .await
                    .unwrap();
                record(a.county, &h.id)
            }
            FreshOrganization => {
                let input = OrganizationInput {
                    grid_id: a.grid.id.clone(),
                    name: format!("临时组织{n}"),
                    kind: "群防群治".into(),
                    ..Default::default()
                };
                let o = s.create_organization(ed, &input).await.unwrap();
                record(a.county, &o.id)
            }
            FreshPlace => {
                let input = PlaceInput {
                    grid_id: a.grid.id.clone(),
                    name: format!("临时场所{n}"),
                    kind: "水域".into(),
                    ..Default::default()
                };
                let p = s.create_place(ed, &input).await.unwrap();
                record(a.county, &p.id)
            }
            FreshCamera => {
                let (x, y, ..) = a.grid.square;
                let input = CameraInput {
                    grid_id: a.grid.id.clone(),
                    code: format!("CAM-F{n}"),
                    name: format!("临时探头{n}"),
                    lng: format!("{}", x + 0.001),
                    lat: format!("{}", y + 0.001),
                };
                let c = s.create_camera(ed, &input).await.unwrap();
                record(a.county, &c.id)
            }
            FreshNotice | FreshDeadDelivery => {
                let (notice, dead) =
                    super::seed::notice_with_dead_delivery(s, &me.user.id, &a.path, n).await;
                Obj {
                    params: vec![("id", if target == FreshNotice { notice } else { dead })],
                    ..Obj::default()
                }
            }
            FreshDeadPush => Obj {
                params: vec![("id", super::seed::dead_push(s, &a.bridge, &a.path, n).await)],
                ..Obj::default()
            },
            FreshFailedJob => {
                // A job of district A's scope that failed its only attempt.
                let kind = "matrix_probe";
                let mut job = gridgov_store::jobs::NewJob::system(kind, serde_json::json!({}));
                job.scope_path = a.path.clone();
                job.max_attempts = 1;
                let id = s.enqueue_job(&job).await.unwrap().id;
                let claim = gridgov_store::jobs::Claim {
                    owner: "matrix",
                    kinds: &[kind],
                    lease_ms: 60_000,
                    limit: 10,
                };
                for held in s.claim_jobs(&claim).await.unwrap() {
                    s.fail_job(&held, "matrix", true).await.unwrap();
                }
                Obj {
                    params: vec![("id", id)],
                    ..Obj::default()
                }
            }
            FreshTask | FreshClaimedTask => {
                let id = a.tasks.lock().unwrap().pop().expect("open tasks left");
                if target == FreshClaimedTask {
                    s.claim_task(&me.user.actor(), &id).await.unwrap();
                }
                Obj {
                    params: vec![("id", id)],
                    ..Obj::default()
                }
            }
            FreshToken => {
                let (t, _) = s
                    .create_api_token(&me.user.actor(), "matrix", Some(30))
                    .await
                    .unwrap();
                Obj {
                    params: vec![("id", t.id)],
                    ..Obj::default()
                }
            }
            FreshDepartment | FreshMember => {
                let free = &a.free_handler;
                // The free handler works for one department at most: take them off the last
                // fresh one, then onto this one when the route removes them.
                if let Some(theirs) = s.my_department(&free.actor()).await.unwrap() {
                    s.remove_department_member(&sys, &theirs.id, &free.id)
                        .await
                        .unwrap();
                }
                let input = DepartmentInput {
                    name: format!("临时部门{n}"),
                    sector: "justice".into(),
                    region_code: a.county.into(),
                    phone: String::new(),
                };
                let d = s.create_department(ed, &input).await.unwrap();
                if target == FreshMember {
                    s.add_department_member(ed, &d.id, &free.username)
                        .await
                        .unwrap();
                }
                Obj {
                    params: vec![("id", d.id), ("user_id", free.id.clone())],
                    ..Obj::default()
                }
            }
            other => panic!("{other:?} is not made fresh"),
        }
    }
}
