//! What a bulk load of incidents stands on, read in one go: the current grids with their box and
//! staff, the active departments with their handlers, the categories in use and the centers'
//! operators. For the system only, like the load itself.

use std::collections::HashMap;

use gridgov_core::auth::{Actor, Role};

use crate::{Store, StoreError, StoreResult};

/// A user who can act: id and username (what the store records as the actor's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroundUser {
    pub id: String,
    pub username: String,
}

#[derive(Debug, Clone)]
pub struct GroundGrid {
    pub id: String,
    pub county_code: String,
    pub region_code: String,
    pub path: String,
    pub household_target: i64,
    /// min lng, min lat, max lng, max lat, when the grid has a boundary.
    pub bbox: Option<[f64; 4]>,
    /// Grid workers, leaders and administrators serving it.
    pub staff: Vec<GroundUser>,
}

#[derive(Debug, Clone)]
pub struct GroundDepartment {
    pub id: String,
    /// The path of the region it serves (everything below it).
    pub path: String,
    pub sector: String,
    pub handlers: Vec<GroundUser>,
}

#[derive(Debug, Clone)]
pub struct GroundCategory {
    pub code: String,
    pub default_grade: String,
    /// Sector codes, comma-separated.
    pub sectors: String,
    pub evidence_required: bool,
}

/// A center operator and the scope (path) of the center they work at.
#[derive(Debug, Clone)]
pub struct GroundCenter {
    pub user: GroundUser,
    pub path: String,
}

#[derive(Debug, Clone, Default)]
pub struct BulkGround {
    pub grids: Vec<GroundGrid>,
    pub departments: Vec<GroundDepartment>,
    pub categories: Vec<GroundCategory>,
    pub centers: Vec<GroundCenter>,
}

fn double(v: Option<String>) -> Option<f64> {
    v.and_then(|s| s.parse().ok())
}

type GridRow = (
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Store {
    /// The ground of a bulk load of incidents.
    pub async fn bulk_ground(&self, actor: &Actor) -> StoreResult<BulkGround> {
        if actor.role != Role::SystemAdmin || !actor.scope.is_root() {
            return Err(StoreError::Forbidden);
        }
        let mut conn = self.pool.acquire().await?;
        let staff: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT s.grid_id, u.id, u.username FROM grid_staff s JOIN users u ON u.id = s.user_id \
             WHERE u.disabled = 0 AND s.duty IN ('grid_worker', 'grid_leader', 'grid_admin') \
             ORDER BY s.grid_id, u.username",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut staff_of: HashMap<String, Vec<GroundUser>> = HashMap::new();
        for (grid, id, username) in staff {
            let list = staff_of.entry(grid).or_default();
            if !list.iter().any(|u| u.id == id) {
                list.push(GroundUser { id, username });
            }
        }
        let rows: Vec<GridRow> = sqlx::query_as(
            "SELECT id, county_code, region_code, path, household_target, \
             CAST(min_lng AS TEXT), CAST(min_lat AS TEXT), CAST(max_lng AS TEXT), \
             CAST(max_lat AS TEXT) FROM grids WHERE valid_to IS NULL ORDER BY path",
        )
        .fetch_all(&mut *conn)
        .await?;
        let grids = rows
            .into_iter()
            .map(|(id, county_code, region_code, path, target, a, b, c, d)| {
                let bbox = match (double(a), double(b), double(c), double(d)) {
                    (Some(a), Some(b), Some(c), Some(d)) => Some([a, b, c, d]),
                    _ => None,
                };
                GroundGrid {
                    staff: staff_of.remove(&id).unwrap_or_default(),
                    id,
                    county_code,
                    region_code,
                    path,
                    household_target: target,
                    bbox,
                }
            })
            .collect();
        let handlers: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT m.department_id, u.id, u.username FROM department_members m \
             JOIN users u ON u.id = m.user_id WHERE u.disabled = 0 ORDER BY u.username",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut handlers_of: HashMap<String, Vec<GroundUser>> = HashMap::new();
        for (dep, id, username) in handlers {
            handlers_of
                .entry(dep)
                .or_default()
                .push(GroundUser { id, username });
        }
        let deps: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, path, sector FROM departments WHERE active = 1 ORDER BY path, id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let departments = deps
            .into_iter()
            .map(|(id, path, sector)| GroundDepartment {
                handlers: handlers_of.remove(&id).unwrap_or_default(),
                id,
                path,
                sector,
            })
            .collect();
        // In use: active, and every ancestor active (a child's code extends its parent's).
        let cats: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT code, default_grade, sectors, evidence_required, active \
             FROM incident_categories ORDER BY code",
        )
        .fetch_all(&mut *conn)
        .await?;
        let inactive: Vec<String> = cats
            .iter()
            .filter(|c| c.4 == 0)
            .map(|c| c.0.clone())
            .collect();
        let categories = cats
            .into_iter()
            .filter(|c| !inactive.iter().any(|x| c.0.starts_with(x.as_str())))
            .map(|(code, grade, sectors, evidence, _)| GroundCategory {
                code,
                default_grade: grade,
                sectors,
                evidence_required: evidence == 1,
            })
            .collect();
        let centers: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, username, scope_path FROM users WHERE role = 'center_operator' \
             AND disabled = 0 ORDER BY scope_path, username",
        )
        .fetch_all(&mut *conn)
        .await?;
        let centers = centers
            .into_iter()
            .map(|(id, username, path)| GroundCenter {
                user: GroundUser { id, username },
                path,
            })
            .collect();
        Ok(BulkGround {
            grids,
            departments,
            categories,
            centers,
        })
    }
}
