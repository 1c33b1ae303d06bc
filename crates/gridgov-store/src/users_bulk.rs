//! Creating many staff accounts at once (a grid network's workers, a roster from the
//! personnel office), with one initial password hashed once: hashing is deliberately slow, and
//! 20,000 grid workers hashed one by one would take a quarter of an hour.

use std::collections::HashMap;

use gridgov_core::auth::{Actor, Permission, Role};
use gridgov_core::error::Checker;
use gridgov_core::users::{NewPassword, Username, parse_contact_phone, parse_display_name};
use serde_json::json;

use crate::audit::{self, Change};
use crate::auth::password::hash_password;
use crate::error::RowError;
use crate::grids::rows::{Param, insert_rows};
use crate::{Store, StoreError, StoreResult};

/// One account of a roster.
#[derive(Debug, Clone)]
pub struct RosterEntry {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Region code of the scope.
    pub scope: String,
    pub phone: String,
}

impl Store {
    /// Creates every account of the roster or none: each row is checked (username, name, phone,
    /// a scope inside the actor's and a role the actor may grant), and faults come back by row.
    pub async fn create_roster(
        &self,
        actor: &Actor,
        roster: &[RosterEntry],
        initial_password: &str,
    ) -> StoreResult<usize> {
        if !actor.can(Permission::ManageUsers) {
            return Err(StoreError::Forbidden);
        }
        let password = NewPassword::parse("password", initial_password)?;
        let mut scopes: HashMap<&str, (String, String)> = HashMap::new();
        let mut errors = Vec::new();
        let mut rows = Vec::with_capacity(roster.len());
        let now = self.now_ms();
        for (i, e) in roster.iter().enumerate() {
            let line = i as u64 + 1;
            let mut c = Checker::new();
            let username = c.check(Username::parse("username", &e.username));
            let name = c.check(parse_display_name("display_name", &e.display_name));
            let phone = c.check(parse_contact_phone("phone", &e.phone));
            if !scopes.contains_key(e.scope.as_str()) {
                match self.resolve_region(actor, "scope", &e.scope).await {
                    Ok(r) => {
                        scopes.insert(e.scope.as_str(), (r.code, r.path));
                    }
                    Err(StoreError::NotFound) => c.push(gridgov_core::FieldError::new(
                        "scope",
                        "unknown_scope",
                        format!("区划 {} 不存在或不在您的范围内", e.scope),
                        format!("region {} does not exist or is outside your scope", e.scope),
                    )),
                    Err(err) => return Err(err),
                }
            }
            if let Some((_, path)) = scopes.get(e.scope.as_str()) {
                let scope = gridgov_core::scope::ScopePath::from_path(path.clone());
                if let Err(gridgov_core::auth::GrantError::Field(f)) =
                    actor.check_grant(e.role, &scope)
                {
                    c.push(f);
                }
            }
            match (
                c.finish(),
                username,
                name,
                phone,
                scopes.get(e.scope.as_str()),
            ) {
                (Ok(()), Some(u), Some(n), Some(p), Some((code, path))) => rows.push(vec![
                    Param::Text(uuid::Uuid::now_v7().to_string()),
                    Param::Text(u.as_str().to_owned()),
                    Param::Text(n),
                    Param::Text(e.role.as_str().to_owned()),
                    Param::Text(code.clone()),
                    Param::Text(path.clone()),
                    Param::Text(p),
                    Param::Int(now),
                    Param::Int(now),
                    Param::Int(now),
                ]),
                (Err(inv), ..) => errors.extend(
                    inv.0
                        .into_iter()
                        .map(|f| RowError::from_field("roster", line, &e.username, f)),
                ),
                _ => {}
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Rows(errors));
        }
        let hash = hash_password(&password).await?;
        for r in &mut rows {
            r.push(Param::Text(hash.clone()));
        }
        let columns = [
            ("id", "TEXT"),
            ("username", "TEXT"),
            ("display_name", "TEXT"),
            ("role", "TEXT"),
            ("scope_code", "TEXT"),
            ("scope_path", "TEXT"),
            ("phone", "TEXT"),
            ("created_at", "BIGINT"),
            ("updated_at", "BIGINT"),
            ("password_changed_at", "BIGINT"),
            ("password_hash", "TEXT"),
        ];
        let mut tx = self.begin_write().await?;
        match insert_rows(&mut tx, "users", &columns, &rows).await {
            Ok(()) => {}
            Err(StoreError::Db(e)) if crate::error::is_unique_violation(&e) => {
                return Err(StoreError::Conflict(gridgov_core::FieldError::new(
                    "username",
                    "taken",
                    "名单中有用户名已被使用",
                    "a username of the roster is taken",
                )));
            }
            Err(e) => return Err(e),
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "user.create_roster",
                resource: format!("roster:{now}"),
                scope_path: actor.scope.as_str(),
                summary: json!({"accounts": rows.len()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    }
}
