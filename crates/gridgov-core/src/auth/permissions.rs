//! The permission matrix, kept as data: which role may do what. New capabilities add a
//! permission here and a row in the tests, so the matrix stays the one place to read.

use serde::Serialize;

use super::roles::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Browse the region hierarchy inside one's scope.
    ViewRegions,
    /// Import and change regions (reference data for the whole deployment).
    ManageRegions,
    /// List the users inside one's scope.
    ViewUsers,
    /// Create users, change their role or scope, disable them, reset passwords.
    ManageUsers,
    /// Read the audit trail of one's scope.
    ViewAudit,
    /// Create and revoke one's own API tokens.
    UseApiTokens,
}

use Permission::*;

/// Row by row: what each role may do.
const MATRIX: &[(Role, &[Permission])] = &[
    (
        Role::SystemAdmin,
        &[
            ViewRegions,
            ManageRegions,
            ViewUsers,
            ManageUsers,
            ViewAudit,
            UseApiTokens,
        ],
    ),
    (
        Role::CenterOperator,
        &[ViewRegions, ViewUsers, ManageUsers, ViewAudit, UseApiTokens],
    ),
    (
        Role::Leader,
        &[ViewRegions, ViewUsers, ViewAudit, UseApiTokens],
    ),
    (Role::DepartmentHandler, &[ViewRegions, UseApiTokens]),
    (Role::PoliceOfficer, &[ViewRegions, UseApiTokens]),
    (Role::GridLeader, &[ViewRegions, ViewUsers, UseApiTokens]),
    (Role::GridAdmin, &[ViewRegions, ViewUsers, UseApiTokens]),
    (Role::Instructor, &[ViewRegions, UseApiTokens]),
    (Role::Supervisor, &[ViewRegions, ViewAudit, UseApiTokens]),
    (Role::Inspector, &[ViewRegions, UseApiTokens]),
    (Role::GridWorker, &[ViewRegions, UseApiTokens]),
    (Role::Patroller, &[ViewRegions, UseApiTokens]),
    (Role::Informant, &[ViewRegions, UseApiTokens]),
    (Role::Liaison, &[ViewRegions, UseApiTokens]),
    (Role::BuildingHead, &[ViewRegions, UseApiTokens]),
];

pub fn permissions_of(role: Role) -> &'static [Permission] {
    MATRIX
        .iter()
        .find(|(r, _)| *r == role)
        .map(|(_, p)| *p)
        .unwrap_or(&[])
}

impl Role {
    pub fn can(self, p: Permission) -> bool {
        permissions_of(self).contains(&p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_row() {
        for r in Role::ALL {
            assert_eq!(MATRIX.iter().filter(|(x, _)| *x == r).count(), 1, "{r}");
            assert!(r.can(ViewRegions), "{r} must browse regions");
        }
    }

    #[test]
    fn the_leader_only_reads() {
        for p in [ManageRegions, ManageUsers] {
            assert!(!Role::Leader.can(p));
        }
        assert!(Role::Leader.can(ViewUsers));
    }

    #[test]
    fn only_administrators_and_centers_manage_users() {
        let managers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(ManageUsers))
            .collect();
        assert_eq!(managers, [Role::SystemAdmin, Role::CenterOperator]);
        let region_managers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(ManageRegions))
            .collect();
        assert_eq!(region_managers, [Role::SystemAdmin]);
    }

    #[test]
    fn grid_workers_cannot_read_the_audit_trail() {
        assert!(!Role::GridWorker.can(ViewAudit));
        assert!(Role::CenterOperator.can(ViewAudit));
    }
}
