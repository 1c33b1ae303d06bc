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
    /// See the grids, their staff and the map inside one's scope.
    ViewGrids,
    /// Create, edit, split, merge and retire grids; import boundaries; pair police with grids.
    ManageGrids,
    /// Assign people to grids and remove them.
    ManageGridStaff,
    /// Claim a grid for oneself as its community police officer (警格↔网格).
    ClaimGrids,
    /// See persons, houses, buildings, organizations, places and cameras inside one's scope,
    /// with ID numbers and phones masked.
    ViewBaseData,
    /// Collect and correct base data record by record (grid workers on their rounds).
    EditBaseData,
    /// Bulk-import base data files.
    ImportBaseData,
    /// See a full ID number or phone, giving a reason that is logged.
    UnmaskPersonalData,
    /// Register and version the extra collection items of the one collection form (一表单).
    ManageForms,
    /// Load a second source, compare it with the records and raise verification tasks.
    CompareSources,
    /// Claim verification tasks and decide them after checking on the ground (认领核对).
    VerifyRecords,
    /// See incidents through one's doors (region, department, own reports) and act on them as
    /// core's incident rules allow one's role and relation.
    ViewIncidents,
    /// Report an incident. Everyone with an account reports what they find: the work order loop
    /// starts with whoever sees the matter (群众点单、网格接单).
    ReportIncidents,
    /// See the linked departments that serve one's area and their handlers.
    ViewDepartments,
    /// Create, change and deactivate departments inside one's scope; add and remove handlers.
    ManageDepartments,
    /// See the incident category tree.
    ViewCategories,
    /// Change the category tree (deployment-wide configuration).
    ManageCategories,
    /// See the background jobs of one's scope and the failure list, and retry a failed job.
    /// Jobs run the deployment's own work (digests, sweeps, imports), so only system
    /// administrators run them.
    ManageJobs,
    /// See the effective settings of the regions inside one's scope and where each comes from.
    ViewSettings,
    /// Set and clear the settings of the regions inside one's scope (time limits, the
    /// escalation ladder, local days, the household band, the grid card's phones).
    ManageSettings,
}

/// Roles that see base data. Informants, liaisons, patrollers and building heads report what
/// they see; they do not browse the register of persons.
const BASE_DATA_VIEWERS: &[Role] = &[
    Role::SystemAdmin,
    Role::CenterOperator,
    Role::Leader,
    Role::DepartmentHandler,
    Role::PoliceOfficer,
    Role::GridLeader,
    Role::GridAdmin,
    Role::Instructor,
    Role::Supervisor,
    Role::Inspector,
    Role::GridWorker,
];

/// Permissions over base data, as rows: the role and what it adds to viewing. Kept apart from
/// the matrix above so the grid-era rows read as they did.
const BASE_DATA_MATRIX: &[(Role, &[Permission])] = &[
    (
        Role::SystemAdmin,
        &[ImportBaseData, ManageForms, CompareSources],
    ),
    (
        Role::CenterOperator,
        &[
            EditBaseData,
            ImportBaseData,
            UnmaskPersonalData,
            ManageForms,
            CompareSources,
            VerifyRecords,
        ],
    ),
    (Role::DepartmentHandler, &[ManageForms]),
    (Role::PoliceOfficer, &[UnmaskPersonalData]),
    (
        Role::GridLeader,
        &[EditBaseData, UnmaskPersonalData, VerifyRecords],
    ),
    (
        Role::GridAdmin,
        &[
            EditBaseData,
            ImportBaseData,
            UnmaskPersonalData,
            CompareSources,
            VerifyRecords,
        ],
    ),
    (
        Role::GridWorker,
        &[EditBaseData, UnmaskPersonalData, VerifyRecords],
    ),
];

/// Permissions over departments and the category tree, as rows. Everyone with a desk account
/// sees both: reporters choose a category, and everyone may look up who handles what. Centers
/// (and system administrators) keep the departments of their scope; the category tree is one
/// for the deployment, so only system administrators change it.
const DEPARTMENT_MATRIX: &[(Role, &[Permission])] = &[
    (Role::SystemAdmin, &[ManageDepartments, ManageCategories]),
    (Role::CenterOperator, &[ManageDepartments]),
];

/// Permissions over regional settings, as rows. Administrators and centers keep the settings of
/// their scope; leaders and supervisors read them (they judge work against the limits).
const SETTINGS_MATRIX: &[(Role, &[Permission])] = &[
    (Role::SystemAdmin, &[ViewSettings, ManageSettings]),
    (Role::CenterOperator, &[ViewSettings, ManageSettings]),
    (Role::Leader, &[ViewSettings]),
    (Role::Supervisor, &[ViewSettings]),
];

/// Permissions every role holds.
const EVERYONE: &[Permission] = &[
    ViewDepartments,
    ViewCategories,
    // What each role sees of incidents and may do to them is decided by the incident's doors
    // and core's rules of who may take which action, not by this table.
    ViewIncidents,
    ReportIncidents,
];

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
            ViewGrids,
            ManageGrids,
            ManageGridStaff,
            ManageJobs,
        ],
    ),
    (
        Role::CenterOperator,
        &[
            ViewRegions,
            ViewUsers,
            ManageUsers,
            ViewAudit,
            UseApiTokens,
            ViewGrids,
            ManageGrids,
            ManageGridStaff,
        ],
    ),
    (
        Role::Leader,
        &[ViewRegions, ViewUsers, ViewAudit, UseApiTokens, ViewGrids],
    ),
    (
        Role::DepartmentHandler,
        &[ViewRegions, UseApiTokens, ViewGrids],
    ),
    (
        Role::PoliceOfficer,
        &[ViewRegions, UseApiTokens, ViewGrids, ClaimGrids],
    ),
    (
        Role::GridLeader,
        &[
            ViewRegions,
            ViewUsers,
            UseApiTokens,
            ViewGrids,
            ManageGridStaff,
        ],
    ),
    (
        Role::GridAdmin,
        &[
            ViewRegions,
            ViewUsers,
            UseApiTokens,
            ViewGrids,
            ManageGrids,
            ManageGridStaff,
        ],
    ),
    (Role::Instructor, &[ViewRegions, UseApiTokens, ViewGrids]),
    (
        Role::Supervisor,
        &[ViewRegions, ViewAudit, UseApiTokens, ViewGrids],
    ),
    (Role::Inspector, &[ViewRegions, UseApiTokens, ViewGrids]),
    (Role::GridWorker, &[ViewRegions, UseApiTokens, ViewGrids]),
    (Role::Patroller, &[ViewRegions, UseApiTokens, ViewGrids]),
    (Role::Informant, &[ViewRegions, UseApiTokens, ViewGrids]),
    (Role::Liaison, &[ViewRegions, UseApiTokens, ViewGrids]),
    (Role::BuildingHead, &[ViewRegions, UseApiTokens, ViewGrids]),
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
        if p == ViewBaseData {
            return BASE_DATA_VIEWERS.contains(&self);
        }
        EVERYONE.contains(&p)
            || permissions_of(self).contains(&p)
            || [BASE_DATA_MATRIX, DEPARTMENT_MATRIX, SETTINGS_MATRIX]
                .iter()
                .flat_map(|m| m.iter())
                .any(|(r, ps)| *r == self && ps.contains(&p))
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
            assert!(r.can(ViewGrids), "{r} must see the grids of its scope");
        }
    }

    #[test]
    fn everyone_reports_and_sees_incidents_through_their_doors() {
        for r in Role::ALL {
            assert!(r.can(ViewIncidents) && r.can(ReportIncidents), "{r}");
        }
    }

    #[test]
    fn only_system_administrators_run_jobs() {
        let runners: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(ManageJobs))
            .collect();
        assert_eq!(runners, [Role::SystemAdmin]);
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
    fn base_data_rights() {
        // Whoever may change, unmask, verify or import base data may also see it.
        for r in Role::ALL {
            for p in [
                EditBaseData,
                ImportBaseData,
                UnmaskPersonalData,
                VerifyRecords,
                CompareSources,
            ] {
                if r.can(p) {
                    assert!(
                        r.can(ViewBaseData),
                        "{r} has {p:?} without seeing base data"
                    );
                }
            }
        }
        let unmaskers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(UnmaskPersonalData))
            .collect();
        assert_eq!(
            unmaskers,
            [
                Role::CenterOperator,
                Role::PoliceOfficer,
                Role::GridLeader,
                Role::GridAdmin,
                Role::GridWorker
            ]
        );
        // Administrators run the system; they do not read persons' numbers.
        assert!(!Role::SystemAdmin.can(UnmaskPersonalData));
        assert!(!Role::Leader.can(UnmaskPersonalData));
        assert!(!Role::Informant.can(ViewBaseData));
        assert!(!Role::BuildingHead.can(ViewBaseData));
    }

    #[test]
    fn grid_workers_cannot_read_the_audit_trail() {
        assert!(!Role::GridWorker.can(ViewAudit));
        assert!(Role::CenterOperator.can(ViewAudit));
    }

    #[test]
    fn everyone_sees_departments_and_categories_and_few_change_them() {
        for r in Role::ALL {
            assert!(r.can(ViewDepartments) && r.can(ViewCategories), "{r}");
        }
        let keepers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(ManageDepartments))
            .collect();
        assert_eq!(keepers, [Role::SystemAdmin, Role::CenterOperator]);
        let editors: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(ManageCategories))
            .collect();
        assert_eq!(editors, [Role::SystemAdmin]);
        // Handlers work for a department; they do not make departments or staff them.
        assert!(!Role::DepartmentHandler.can(ManageDepartments));
        assert!(!Role::Leader.can(ManageDepartments));
    }

    #[test]
    fn administrators_and_centers_keep_the_settings_of_their_scope() {
        let keepers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(ManageSettings))
            .collect();
        assert_eq!(keepers, [Role::SystemAdmin, Role::CenterOperator]);
        for r in Role::ALL {
            if r.can(ManageSettings) {
                assert!(r.can(ViewSettings), "{r}");
            }
        }
        assert!(Role::Leader.can(ViewSettings) && !Role::GridWorker.can(ViewSettings));
    }

    #[test]
    fn grids_are_changed_by_centers_and_grid_administrators_only() {
        let managers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(ManageGrids))
            .collect();
        assert_eq!(
            managers,
            [Role::SystemAdmin, Role::CenterOperator, Role::GridAdmin]
        );
        assert!(Role::GridLeader.can(ManageGridStaff));
        assert!(!Role::GridWorker.can(ManageGridStaff));
        let claimers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(ClaimGrids))
            .collect();
        assert_eq!(claimers, [Role::PoliceOfficer]);
    }
}
