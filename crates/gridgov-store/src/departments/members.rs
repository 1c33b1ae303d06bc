//! A department's handlers: who works for it, adding and removing them, and which department a
//! user works for (what the incident loop's third door, "assigned to my department", reads).

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission, Role};
use gridgov_core::departments::Sector;
use gridgov_core::scope::ScopePath;
use gridgov_core::users::Username;
use serde::Serialize;
use serde_json::json;

use super::{manageable, visible};
use crate::audit::{self, Change};
use crate::records::{need, written};
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// A handler of a department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DepartmentMember {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub phone: String,
    pub disabled: bool,
    /// When they joined the department.
    pub since: i64,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: String,
    username: String,
    display_name: String,
    phone: String,
    disabled: i64,
    since: i64,
}

impl From<MemberRow> for DepartmentMember {
    fn from(r: MemberRow) -> Self {
        DepartmentMember {
            user_id: r.user_id,
            username: r.username,
            display_name: r.display_name,
            phone: r.phone,
            disabled: r.disabled != 0,
            since: r.since,
        }
    }
}

/// The department a handler works for, as the incident loop needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartmentRef {
    pub id: String,
    pub name: String,
    pub sector: Sector,
    pub region_code: String,
    pub path: String,
    pub active: bool,
}

const MEMBER_COLUMNS: &str = "u.id AS user_id, u.username, u.display_name, \
    u.phone, u.disabled, m.created_at AS since";

fn unknown_user(username: &str) -> StoreError {
    FieldError::new(
        "username",
        "unknown_user",
        format!("找不到用户 {username}，或其不在您的范围内"),
        format!("no user {username} inside your scope"),
    )
    .into()
}

impl Store {
    /// The handlers of a department the caller sees, by name.
    pub async fn department_members(
        &self,
        actor: &Actor,
        id: &str,
    ) -> StoreResult<Vec<DepartmentMember>> {
        need(actor, Permission::ViewDepartments)?;
        let mut conn = self.pool.acquire().await?;
        let d = visible(&mut conn, actor, id).await?;
        let rows = sqlx::query_as::<_, MemberRow>(&format!(
            "SELECT {MEMBER_COLUMNS} FROM department_members m JOIN users u ON u.id = m.user_id \
             WHERE m.department_id = $1 ORDER BY u.display_name, u.username"
        ))
        .bind(&d.id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows.into_iter().map(DepartmentMember::from).collect())
    }

    /// Adds a handler to a department. The user must be a department handler inside the
    /// caller's scope, enabled, in no other department, and their scope must cover the
    /// department's region: a handler sees every place their department serves, and the rule
    /// says no more than that (a city's handler may work for a district's branch; a street's
    /// handler may not work for the district).
    pub async fn add_department_member(
        &self,
        actor: &Actor,
        id: &str,
        username: &str,
    ) -> StoreResult<DepartmentMember> {
        need(actor, Permission::ManageDepartments)?;
        let typed = username.trim();
        let username = Username::parse("username", typed)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let d = manageable(&mut tx, actor, id).await?;
        if d.active == 0 {
            return Err(FieldError::new(
                "department",
                "inactive",
                "该部门已停用，不能添加办理人",
                "the department is deactivated; it takes no new handlers",
            )
            .into());
        }
        let scope = ScopeRange::of(actor);
        let user: Option<(String, String, String, i64)> = sqlx::query_as(&format!(
            "SELECT id, role, scope_path, disabled FROM users WHERE username = $1 AND {}",
            scope.sql("scope_path", 2)
        ))
        .bind(username.as_str())
        .bind_scope(&scope)
        .fetch_optional(&mut *tx)
        .await?;
        let (user_id, role, user_scope, disabled) = user.ok_or_else(|| unknown_user(typed))?;
        if role != Role::DepartmentHandler.as_str() {
            return Err(FieldError::new(
                "username",
                "not_a_handler",
                format!("{typed} 不是部门办理人，只有部门办理人角色的用户可以加入部门"),
                format!("{typed} is not a department handler; only they join departments"),
            )
            .into());
        }
        if disabled != 0 {
            return Err(FieldError::new(
                "username",
                "disabled",
                format!("用户 {typed} 已停用"),
                format!("user {typed} is disabled"),
            )
            .into());
        }
        if !ScopePath::from_path(user_scope).covers(&ScopePath::from_path(d.path.clone())) {
            return Err(FieldError::new(
                "username",
                "scope_too_narrow",
                format!("{typed} 的数据范围未覆盖本部门服务的 {}", d.region_name),
                format!(
                    "the scope of {typed} does not cover {}, which the department serves",
                    d.region_name
                ),
            )
            .into());
        }
        let r = sqlx::query(
            "INSERT INTO department_members (user_id, department_id, created_at) \
             VALUES ($1, $2, $3)",
        )
        .bind(&user_id)
        .bind(&d.id)
        .bind(now)
        .execute(&mut *tx)
        .await;
        written(r, || {
            StoreError::Conflict(FieldError::new(
                "username",
                "in_a_department",
                format!("{typed} 已属于一个部门，请先将其从原部门移出"),
                format!("{typed} already works for a department; remove them there first"),
            ))
        })?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "department.member_add",
                resource: format!("department:{}", d.id),
                scope_path: &d.path,
                summary: json!({"user_id": user_id, "username": username.as_str()}),
            },
        )
        .await?;
        let member = sqlx::query_as::<_, MemberRow>(&format!(
            "SELECT {MEMBER_COLUMNS} FROM department_members m JOIN users u ON u.id = m.user_id \
             WHERE m.user_id = $1"
        ))
        .bind(&user_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(member.into())
    }

    /// Takes a handler off a department; `NotFound` when they are not one of its handlers.
    pub async fn remove_department_member(
        &self,
        actor: &Actor,
        id: &str,
        user_id: &str,
    ) -> StoreResult<()> {
        need(actor, Permission::ManageDepartments)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let d = manageable(&mut tx, actor, id).await?;
        let gone: Option<(String,)> = sqlx::query_as(
            "DELETE FROM department_members WHERE department_id = $1 AND user_id = $2 \
             RETURNING user_id",
        )
        .bind(&d.id)
        .bind(user_id.trim())
        .fetch_optional(&mut *tx)
        .await?;
        let (user_id,) = gone.ok_or(StoreError::NotFound)?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "department.member_remove",
                resource: format!("department:{}", d.id),
                scope_path: &d.path,
                summary: json!({"user_id": user_id}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The department the caller works for, if any (a handler's own department page).
    pub async fn my_department(&self, actor: &Actor) -> StoreResult<Option<DepartmentRef>> {
        self.department_of_user(&actor.user_id).await
    }

    /// The department a user works for, whatever the caller's scope: the incident loop asks it
    /// for the account it is acting for, to open the door of tasks assigned to the department.
    pub(crate) async fn department_of_user(
        &self,
        user_id: &str,
    ) -> StoreResult<Option<DepartmentRef>> {
        let row: Option<(String, String, String, String, String, i64)> = sqlx::query_as(
            "SELECT d.id, d.name, d.sector, d.region_code, d.path, d.active \
             FROM department_members m JOIN departments d ON d.id = m.department_id \
             WHERE m.user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, name, sector, region_code, path, active)| {
            let sector = Sector::parse("sector", &sector)
                .map_err(|e| StoreError::Internal(format!("stored department {id}: {e}")))?;
            Ok(DepartmentRef {
                id,
                name,
                sector,
                region_code,
                path,
                active: active != 0,
            })
        })
        .transpose()
    }
}
