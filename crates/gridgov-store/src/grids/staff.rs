//! Who serves a grid: staff with their duties, and the community police officer who claims it
//! (警格↔网格 pairing).

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission, Role};
use gridgov_core::grids::Duty;
use serde::Serialize;
use serde_json::json;

use super::current_grid_in;
use crate::audit::{self, Change};
use crate::error::is_unique_violation;
use crate::users::User;
use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StaffMember {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub phone: String,
    pub role: String,
    pub duty: String,
    pub since: i64,
}

impl StaffMember {
    pub fn duty(&self) -> Option<Duty> {
        Duty::parse("duty", &self.duty).ok()
    }
}

/// Staff ordered by duty as DOMAIN lists them (leader first), then by name.
fn sort_staff(staff: &mut [StaffMember]) {
    staff.sort_by_key(|s| {
        (
            Duty::ALL
                .iter()
                .position(|d| d.as_str() == s.duty)
                .unwrap_or(usize::MAX),
            s.display_name.clone(),
        )
    });
}

fn outside_grid(field: &str, user: &User) -> FieldError {
    FieldError::new(
        field,
        "scope_excludes_grid",
        format!(
            "{} 的数据范围不包含该网格，请先调整其范围",
            user.display_name
        ),
        format!(
            "{}'s scope does not include this grid; widen it first",
            user.display_name
        ),
    )
}

impl Store {
    /// A user by username inside the actor's scope, or a field error naming the input.
    async fn named_user(&self, actor: &Actor, field: &str, username: &str) -> StoreResult<User> {
        match self.user_by_username(actor, username.trim()).await {
            Err(StoreError::NotFound) => Err(FieldError::new(
                field,
                "unknown_user",
                format!("找不到用户或不在您的范围内: {}", username.trim()),
                format!("no such user inside your scope: {}", username.trim()),
            )
            .into()),
            r => r,
        }
    }

    /// Sets the contact phone of oneself, or of a user one manages.
    pub async fn set_user_phone(
        &self,
        actor: &Actor,
        user_id: &str,
        phone: &str,
    ) -> StoreResult<()> {
        let phone = gridgov_core::users::parse_contact_phone("phone", phone)?;
        let user = self.user(actor, user_id).await?;
        if user.id != actor.user_id && !actor.may_manage(user.role, &user.scope_path) {
            return Err(StoreError::Forbidden);
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET phone = $1, updated_at = $2 WHERE id = $3")
            .bind(&phone)
            .bind(now)
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "user.phone",
                resource: format!("user:{}", user.id),
                scope_path: user.scope_path.as_str(),
                summary: json!({"phone_set": !phone.is_empty()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The people serving a grid (current or retired) inside the actor's scope.
    pub async fn grid_staff(&self, actor: &Actor, grid_id: &str) -> StoreResult<Vec<StaffMember>> {
        let g = self.grid(actor, grid_id).await?;
        let mut staff = self.staff_of(&g.grid.id).await?;
        sort_staff(&mut staff);
        Ok(staff)
    }

    pub(crate) async fn staff_of(&self, grid_id: &str) -> StoreResult<Vec<StaffMember>> {
        Ok(sqlx::query_as::<_, StaffMember>(
            "SELECT u.id AS user_id, u.username, u.display_name, u.phone, u.role, s.duty, s.since \
             FROM grid_staff s JOIN users u ON u.id = s.user_id \
             WHERE s.grid_id = $1 AND u.disabled = 0",
        )
        .bind(grid_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Gives a user a duty on a grid. The user's scope must include the grid, so they can see
    /// the grid they serve.
    pub async fn assign_staff(
        &self,
        actor: &Actor,
        grid_id: &str,
        username: &str,
        duty: &str,
    ) -> StoreResult<()> {
        if !actor.can(Permission::ManageGridStaff) {
            return Err(StoreError::Forbidden);
        }
        let duty = Duty::parse("duty", duty)?;
        let user = self.named_user(actor, "username", username).await?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let g = current_grid_in(&mut tx, actor, grid_id).await?;
        if !user.scope_path.contains(&g.path) {
            return Err(outside_grid("username", &user).into());
        }
        let r = sqlx::query(
            "INSERT INTO grid_staff (grid_id, user_id, duty, since) VALUES ($1, $2, $3, $4)",
        )
        .bind(&g.id)
        .bind(&user.id)
        .bind(duty.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await;
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict(FieldError::new(
                    "username",
                    "already_assigned",
                    format!("{} 已是该网格的{}", user.display_name, duty.zh()),
                    format!(
                        "{} is already {} of this grid",
                        user.display_name,
                        duty.en()
                    ),
                )));
            }
            Err(e) => return Err(e.into()),
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.staff.assign",
                resource: format!("grid:{}", g.id),
                scope_path: &g.path,
                summary: json!({"user": user.username, "duty": duty.as_str()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove_staff(
        &self,
        actor: &Actor,
        grid_id: &str,
        user_id: &str,
        duty: &str,
    ) -> StoreResult<()> {
        if !actor.can(Permission::ManageGridStaff) {
            return Err(StoreError::Forbidden);
        }
        let duty = Duty::parse("duty", duty)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let g = current_grid_in(&mut tx, actor, grid_id).await?;
        let n =
            sqlx::query("DELETE FROM grid_staff WHERE grid_id = $1 AND user_id = $2 AND duty = $3")
                .bind(&g.id)
                .bind(user_id)
                .bind(duty.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.staff.remove",
                resource: format!("grid:{}", g.id),
                scope_path: &g.path,
                summary: json!({"user_id": user_id, "duty": duty.as_str()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Pairs a grid with a community police officer. A police officer claims a grid for
    /// themselves (`officer` None) and cannot take one another officer holds; a center or grid
    /// administrator pairs any officer, replacing the one before.
    pub async fn pair_police(
        &self,
        actor: &Actor,
        grid_id: &str,
        officer: Option<&str>,
    ) -> StoreResult<()> {
        let officer_user = match officer.map(str::trim).filter(|o| !o.is_empty()) {
            Some(name) => {
                if !actor.can(Permission::ManageGrids) {
                    return Err(StoreError::Forbidden);
                }
                self.named_user(actor, "officer", name).await?
            }
            None => {
                if !actor.can(Permission::ClaimGrids) {
                    return Err(StoreError::Forbidden);
                }
                self.user(actor, &actor.user_id).await?
            }
        };
        if officer_user.role != Role::PoliceOfficer || officer_user.disabled {
            return Err(FieldError::new(
                "officer",
                "not_police",
                format!("{} 不是在岗的社区民警", officer_user.display_name),
                format!(
                    "{} is not an active community police officer",
                    officer_user.display_name
                ),
            )
            .into());
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let g = current_grid_in(&mut tx, actor, grid_id).await?;
        if !officer_user.scope_path.contains(&g.path) {
            return Err(outside_grid("officer", &officer_user).into());
        }
        let self_claim = officer.is_none();
        if let (true, Some(holder)) = (self_claim, &g.police_user_id)
            && *holder != officer_user.id
        {
            return Err(StoreError::Conflict(FieldError::new(
                "officer",
                "claimed",
                "该网格已由其他民警认领",
                "another officer has claimed this grid",
            )));
        }
        sqlx::query(
            "UPDATE grids SET police_user_id = $1, version = version + 1, updated_at = $2 \
             WHERE id = $3",
        )
        .bind(&officer_user.id)
        .bind(now)
        .bind(&g.id)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.police.pair",
                resource: format!("grid:{}", g.id),
                scope_path: &g.path,
                summary: json!({"officer": officer_user.username, "before": g.police_user_id}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a grid's pairing: the officer who holds it, or a center or grid administrator.
    pub async fn unpair_police(&self, actor: &Actor, grid_id: &str) -> StoreResult<()> {
        if !actor.can(Permission::ManageGrids) && !actor.can(Permission::ClaimGrids) {
            return Err(StoreError::Forbidden);
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let g = current_grid_in(&mut tx, actor, grid_id).await?;
        let holder = g.police_user_id.clone().ok_or(StoreError::NotFound)?;
        let own = actor.can(Permission::ClaimGrids) && holder == actor.user_id;
        if !own && !actor.can(Permission::ManageGrids) {
            return Err(StoreError::Forbidden);
        }
        sqlx::query(
            "UPDATE grids SET police_user_id = NULL, version = version + 1, updated_at = $1 \
             WHERE id = $2",
        )
        .bind(now)
        .bind(&g.id)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.police.unpair",
                resource: format!("grid:{}", g.id),
                scope_path: &g.path,
                summary: json!({"before": holder}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
