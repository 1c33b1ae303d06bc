//! The acting user, passed to every store call so the store can filter by scope.

use serde::Serialize;

use super::{Permission, Role};
use crate::error::FieldError;
use crate::scope::ScopePath;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub scope: ScopePath,
}

/// Why a grant was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("missing permission")]
    NotPermitted,
    #[error("{0}")]
    Field(FieldError),
}

impl Actor {
    /// The deployment itself acting from the command line (imports, `gridgov user add`): someone
    /// with shell access to the server already holds every key, so the command line acts as a
    /// system administrator over the whole country, and the audit trail names it.
    pub fn system() -> Actor {
        Actor {
            user_id: "system".into(),
            username: "system".into(),
            role: Role::SystemAdmin,
            scope: ScopePath::root(),
        }
    }

    /// A system that reports through a door of its own (a hotline or police bridge, an Open311
    /// endpoint): no user is behind it, so it acts as a center operator over the region it
    /// serves, under an id that names it (`bridge:<id>`) on every record and audit entry.
    pub fn door(
        user_id: impl Into<String>,
        username: impl Into<String>,
        scope: ScopePath,
    ) -> Actor {
        Actor {
            user_id: user_id.into(),
            username: username.into(),
            role: Role::CenterOperator,
            scope,
        }
    }

    pub fn can(&self, p: Permission) -> bool {
        self.role.can(p)
    }

    /// May this actor give `role` over `scope` to someone (a new user, or a change)?
    /// Nobody grants a role above their own or a scope wider than their own.
    pub fn check_grant(&self, role: Role, scope: &ScopePath) -> Result<(), GrantError> {
        if !self.can(Permission::ManageUsers) {
            return Err(GrantError::NotPermitted);
        }
        if role.rank() > self.role.rank() {
            return Err(GrantError::Field(FieldError::new(
                "role",
                "role_above_own",
                format!("不能授予高于自身的角色: {}", role.zh()),
                format!("cannot grant a role above your own: {}", role.en()),
            )));
        }
        if !self.scope.covers(scope) {
            return Err(GrantError::Field(FieldError::new(
                "scope",
                "scope_wider_than_own",
                "不能授予超出自身范围的数据权限",
                "cannot grant a scope wider than your own",
            )));
        }
        Ok(())
    }

    /// May this actor manage an existing user with this role and scope?
    pub fn may_manage(&self, role: Role, scope: &ScopePath) -> bool {
        self.can(Permission::ManageUsers)
            && role.rank() <= self.role.rank()
            && self.scope.covers(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operator(path: &str) -> Actor {
        Actor {
            user_id: "u1".into(),
            username: "op".into(),
            role: Role::CenterOperator,
            scope: ScopePath::from_path(path),
        }
    }

    #[test]
    fn a_county_operator_grants_inside_the_county_only() {
        let op = operator("42/4202/420202/");
        let inside = ScopePath::from_path("42/4202/420202/420202001/");
        assert!(op.check_grant(Role::GridWorker, &inside).is_ok());
        let wider = ScopePath::from_path("42/4202/");
        match op.check_grant(Role::GridWorker, &wider) {
            Err(GrantError::Field(e)) => assert_eq!(e.field, "scope"),
            other => panic!("expected a scope error, got {other:?}"),
        }
    }

    #[test]
    fn nobody_grants_a_role_above_their_own() {
        let op = operator("42/");
        match op.check_grant(Role::SystemAdmin, &ScopePath::from_path("42/")) {
            Err(GrantError::Field(e)) => assert_eq!(e.field, "role"),
            other => panic!("expected a role error, got {other:?}"),
        }
        assert!(
            op.check_grant(Role::CenterOperator, &ScopePath::from_path("42/4202/"))
                .is_ok()
        );
    }

    #[test]
    fn a_grid_worker_grants_nothing() {
        let mut w = operator("42/");
        w.role = Role::GridWorker;
        assert_eq!(
            w.check_grant(Role::BuildingHead, &ScopePath::from_path("42/")),
            Err(GrantError::NotPermitted)
        );
        assert!(!w.may_manage(Role::BuildingHead, &ScopePath::from_path("42/")));
    }
}
