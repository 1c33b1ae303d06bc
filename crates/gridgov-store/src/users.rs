//! User accounts inside the actor's scope: create, list, change, disable, reset passwords.
//! Every change checks that the actor may manage the user as they are and grant what they
//! will be, and is audited in the same transaction.

use gridgov_core::auth::{Actor, GrantError, Permission, Role};
use gridgov_core::error::Checker;
use gridgov_core::scope::ScopePath;
use gridgov_core::users::{NewPassword, Username, parse_display_name};
use gridgov_core::{FieldError, Invalid};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Change};
use crate::auth::login::AttemptKey;
use crate::auth::{hash_password, verify_password};
use crate::error::is_unique_violation;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

pub(crate) const USER_COLUMNS: &str = "id, username, display_name, role, scope_code, scope_path, \
     password_hash, disabled, version, created_at, updated_at";
/// The same columns qualified by the alias `u`, for joins.
pub(crate) const USER_COLUMNS_U: &str = "u.id, u.username, u.display_name, u.role, u.scope_code, \
     u.scope_path, u.password_hash, u.disabled, u.version, u.created_at, u.updated_at";

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub scope_code: Option<String>,
    pub scope_path: String,
    pub password_hash: String,
    pub disabled: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl UserRow {
    pub(crate) fn into_user(self) -> StoreResult<User> {
        let role = Role::parse("role", &self.role)
            .map_err(|e| StoreError::Internal(format!("stored user {}: {e}", self.id)))?;
        Ok(User {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role,
            scope_code: self.scope_code,
            scope_path: ScopePath::from_path(self.scope_path),
            disabled: self.disabled != 0,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// A user as the rest of the system sees it (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The region code of the scope; `None` for the whole country.
    pub scope_code: Option<String>,
    pub scope_path: ScopePath,
    pub disabled: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id.clone(),
            username: self.username.clone(),
            role: self.role,
            scope: self.scope_path.clone(),
        }
    }
}

/// A new account, as typed into a form or on the command line.
#[derive(Debug, Clone, Default)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// A region code, or empty for the whole country.
    pub scope: String,
    pub password: String,
}

/// A change of name, role or scope; `version` is the one the editor read.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: String,
    pub scope: String,
    pub version: i64,
}

/// Adds a refused grant to the form's errors, so it is reported with the others;
/// a missing permission fails at once.
fn check_grant_into(
    actor: &Actor,
    role: Role,
    scope: &ScopePath,
    c: &mut Checker,
) -> StoreResult<()> {
    match actor.check_grant(role, scope) {
        Ok(()) => Ok(()),
        Err(GrantError::NotPermitted) => Err(StoreError::Forbidden),
        Err(GrantError::Field(f)) => {
            c.push(f);
            Ok(())
        }
    }
}

impl Store {
    /// The scope a code stands for, seen from the actor: empty means the whole country.
    async fn scope_for(
        &self,
        actor: &Actor,
        input: &str,
    ) -> StoreResult<(Option<String>, ScopePath)> {
        if input.trim().is_empty() {
            return Ok((None, ScopePath::root()));
        }
        match self.resolve_region(actor, "scope", input).await {
            Ok(r) => Ok((Some(r.code), ScopePath::from_path(r.path))),
            Err(StoreError::NotFound) => Err(FieldError::new(
                "scope",
                "unknown_scope",
                format!("区划 {} 不存在或不在您的范围内", input.trim()),
                format!(
                    "region {} does not exist or is outside your scope",
                    input.trim()
                ),
            )
            .into()),
            Err(e) => Err(e),
        }
    }

    /// Parses a role and a scope as typed and checks that the actor may grant them; faults go
    /// into the form's checker so they are reported with the others.
    async fn role_and_scope(
        &self,
        actor: &Actor,
        role: &str,
        scope: &str,
        c: &mut Checker,
    ) -> StoreResult<(Option<Role>, Option<(Option<String>, ScopePath)>)> {
        let role = c.check(Role::parse("role", role));
        let scope = match self.scope_for(actor, scope).await {
            Ok(s) => Some(s),
            Err(StoreError::Invalid(Invalid(errs))) => {
                errs.into_iter().for_each(|e| c.push(e));
                None
            }
            Err(e) => return Err(e),
        };
        if let (Some(role), Some((_, scope))) = (role, &scope) {
            check_grant_into(actor, role, scope, c)?;
        }
        Ok((role, scope))
    }

    pub async fn create_user(&self, actor: &Actor, input: &NewUserInput) -> StoreResult<User> {
        if !actor.can(Permission::ManageUsers) {
            return Err(StoreError::Forbidden);
        }
        let mut c = Checker::new();
        let username = c.check(Username::parse("username", &input.username));
        let display_name = c.check(parse_display_name("display_name", &input.display_name));
        let password = c.check(NewPassword::parse("password", &input.password));
        let (role, scope) = self
            .role_and_scope(actor, &input.role, &input.scope, &mut c)
            .await?;
        c.finish()?;
        let (
            Some(username),
            Some(display_name),
            Some(role),
            Some(password),
            Some((scope_code, scope)),
        ) = (username, display_name, role, password, scope)
        else {
            return Err(StoreError::Internal("checked input went missing".into()));
        };
        let hash = hash_password(&password).await?;
        let now = self.now_ms();
        let id = uuid::Uuid::now_v7().to_string();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (id, username, display_name, role, scope_code, scope_path, \
             password_hash, disabled, version, created_at, updated_at, password_changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 1, $8, $8, $8)",
        )
        .bind(&id)
        .bind(username.as_str())
        .bind(&display_name)
        .bind(role.as_str())
        .bind(scope_code.as_deref())
        .bind(scope.as_str())
        .bind(&hash)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict(FieldError::new(
                    "username",
                    "taken",
                    format!("用户名 {} 已被使用", username.as_str()),
                    format!("the username {} is taken", username.as_str()),
                )));
            }
            r => r?,
        };
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "user.create",
                resource: format!("user:{id}"),
                scope_path: scope.as_str(),
                summary: json!({
                    "username": username.as_str(),
                    "display_name": display_name,
                    "role": role.as_str(),
                    "scope": scope_code,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.user(actor, &id).await
    }

    /// One user inside the actor's scope.
    pub async fn user(&self, actor: &Actor, id: &str) -> StoreResult<User> {
        self.user_where(actor, "id", id).await
    }

    /// One user by username inside the actor's scope.
    pub async fn user_by_username(&self, actor: &Actor, username: &str) -> StoreResult<User> {
        self.user_where(actor, "username", &username.trim().to_ascii_lowercase())
            .await
    }

    async fn user_where(&self, actor: &Actor, column: &str, value: &str) -> StoreResult<User> {
        if !actor.can(Permission::ViewUsers) && value != actor.user_id {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        let row = sqlx::query_as::<_, UserRow>(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE {column} = $1 AND ({} OR id = $4)",
            scope.sql("scope_path", 2)
        ))
        .bind(value)
        .bind_scope(&scope)
        .bind(&actor.user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(StoreError::NotFound)?.into_user()
    }

    /// Usernames of the given user ids that lie inside the actor's scope, by id; for showing
    /// people rather than ids (the audit trail).
    pub async fn usernames(
        &self,
        actor: &Actor,
        ids: &[&str],
    ) -> StoreResult<std::collections::HashMap<String, String>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let scope = ScopeRange::of(actor);
        let sql = format!(
            "SELECT id, username FROM users WHERE {} AND id IN ({})",
            scope.sql("scope_path", 1),
            crate::db::numbered_params(3, ids.len())
        );
        let mut q = sqlx::query_as::<_, (String, String)>(&sql).bind_scope(&scope);
        for id in ids {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(&self.pool).await?.into_iter().collect())
    }

    /// Users inside the actor's scope, by username, optionally matching a search text.
    pub async fn list_users(
        &self,
        actor: &Actor,
        search: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<User>> {
        if !actor.can(Permission::ViewUsers) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        let pattern = search
            .map(str::trim)
            .filter(|s| !s.is_empty())
            // Matched literally: the wildcards people may type are escaped.
            .map(|s| format!("%{}%", crate::db::escape_like(&s.to_lowercase())));
        let rows = sqlx::query_as::<_, UserRow>(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE {} \
             AND ($3 IS NULL OR username LIKE $3 ESCAPE '\\' OR lower(display_name) LIKE $3 ESCAPE '\\') \
             ORDER BY username LIMIT $4 OFFSET $5",
            scope.sql("scope_path", 1)
        ))
        .bind_scope(&scope)
        .bind(pattern)
        .bind(limit.clamp(1, 500))
        .bind(offset.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    /// Loads a user the actor may manage, for a change.
    async fn managed_user(&self, actor: &Actor, id: &str) -> StoreResult<User> {
        let user = self.user(actor, id).await?;
        if !actor.may_manage(user.role, &user.scope_path) {
            return Err(StoreError::Forbidden);
        }
        Ok(user)
    }

    /// Changes name, role and scope, if nobody changed the user since `version` was read.
    pub async fn update_user(&self, actor: &Actor, id: &str, up: &UserUpdate) -> StoreResult<User> {
        let before = self.managed_user(actor, id).await?;
        let mut c = Checker::new();
        let display_name = c.check(parse_display_name("display_name", &up.display_name));
        let (role, scope) = self
            .role_and_scope(actor, &up.role, &up.scope, &mut c)
            .await?;
        c.finish()?;
        let (Some(display_name), Some(role), Some((scope_code, scope))) =
            (display_name, role, scope)
        else {
            return Err(StoreError::Internal("checked input went missing".into()));
        };
        if before.id == actor.user_id && (role != before.role || scope != before.scope_path) {
            return Err(FieldError::new(
                "role",
                "self_change",
                "不能修改自己的角色或范围",
                "you cannot change your own role or scope",
            )
            .into());
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, scope_code = $3, scope_path = $4, \
             version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7",
        )
        .bind(&display_name)
        .bind(role.as_str())
        .bind(scope_code.as_deref())
        .bind(scope.as_str())
        .bind(now)
        .bind(id)
        .bind(up.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::VersionConflict);
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "user.update",
                resource: format!("user:{id}"),
                scope_path: scope.as_str(),
                summary: json!({
                    "before": {"display_name": before.display_name, "role": before.role.as_str(), "scope": before.scope_code},
                    "after": {"display_name": display_name, "role": role.as_str(), "scope": scope_code},
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.user(actor, id).await
    }

    /// Disables or re-enables an account. Disabling ends its sessions and stops its tokens.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        id: &str,
        disabled: bool,
    ) -> StoreResult<User> {
        let user = self.managed_user(actor, id).await?;
        if user.id == actor.user_id {
            return Err(FieldError::new(
                "disabled",
                "self_disable",
                "不能停用自己的账号",
                "you cannot disable your own account",
            )
            .into());
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET disabled = $1, version = version + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(i64::from(disabled))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                resource: format!("user:{id}"),
                scope_path: user.scope_path.as_str(),
                summary: json!({"username": user.username}),
            },
        )
        .await?;
        tx.commit().await?;
        self.user(actor, id).await
    }

    /// Sets a new password chosen by an administrator; the user's sessions end and their API
    /// tokens are revoked.
    pub async fn reset_password(&self, actor: &Actor, id: &str, password: &str) -> StoreResult<()> {
        let user = self.managed_user(actor, id).await?;
        let pw = NewPassword::parse("password", password)?;
        self.store_password(actor, &user, &pw, "user.reset_password")
            .await
    }

    /// The actor changes their own password, proving the current one; their sessions end and
    /// their API tokens are revoked.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
    ) -> StoreResult<()> {
        let pw = NewPassword::parse("new_password", new)?;
        // The current password is a password like the login's: guesses at it are counted and
        // throttled the same way, so a session left open is not a free guessing oracle.
        let attempt = AttemptKey::PasswordChange(&actor.user_id);
        self.refuse_if_locked(&attempt).await?;
        self.reserve_attempt(&attempt).await?;
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(&actor.user_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !verify_password(&hash, current).await? {
            return Err(FieldError::new(
                "current_password",
                "wrong",
                "当前密码不正确",
                "the current password is wrong",
            )
            .into());
        }
        self.clear_attempts(&attempt).await?;
        let me = self.user(actor, &actor.user_id).await?;
        self.store_password(actor, &me, &pw, "user.change_password")
            .await
    }

    async fn store_password(
        &self,
        actor: &Actor,
        user: &User,
        pw: &NewPassword,
        action: &str,
    ) -> StoreResult<()> {
        let hash = hash_password(pw).await?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2, \
             version = version + 1 WHERE id = $3",
        )
        .bind(&hash)
        .bind(now)
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        // A new password is how an account is taken back after a leak; a token made by whoever
        // knew the old one must stop with it, like the sessions.
        let tokens_revoked = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(&user.id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action,
                resource: format!("user:{}", user.id),
                scope_path: user.scope_path.as_str(),
                summary: json!({"username": user.username, "tokens_revoked": tokens_revoked}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
