//! The roles of the field (DOMAIN: 一长五员 and the others) with their rank.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// A user's role. The rank orders roles for granting: nobody grants a role ranked above their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    CenterOperator,
    Leader,
    DepartmentHandler,
    PoliceOfficer,
    GridLeader,
    GridAdmin,
    Instructor,
    Supervisor,
    Inspector,
    GridWorker,
    Patroller,
    Informant,
    Liaison,
    BuildingHead,
}

impl Role {
    pub const ALL: [Role; 15] = [
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
        Role::Patroller,
        Role::Informant,
        Role::Liaison,
        Role::BuildingHead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::CenterOperator => "center_operator",
            Role::Leader => "leader",
            Role::DepartmentHandler => "department_handler",
            Role::PoliceOfficer => "police_officer",
            Role::GridLeader => "grid_leader",
            Role::GridAdmin => "grid_admin",
            Role::Instructor => "instructor",
            Role::Supervisor => "supervisor",
            Role::Inspector => "inspector",
            Role::GridWorker => "grid_worker",
            Role::Patroller => "patroller",
            Role::Informant => "informant",
            Role::Liaison => "liaison",
            Role::BuildingHead => "building_head",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Role, FieldError> {
        let s = s.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                FieldError::new(
                    field,
                    "unknown_role",
                    format!("未知角色 {s}，可选: {}", known.join(", ")),
                    format!("unknown role {s}; one of: {}", known.join(", ")),
                )
            })
    }

    /// Position in the hierarchy of authority; equal ranks may grant each other.
    pub fn rank(self) -> u8 {
        match self {
            Role::SystemAdmin => 100,
            Role::CenterOperator => 80,
            Role::Leader => 60,
            Role::DepartmentHandler => 50,
            Role::PoliceOfficer | Role::GridLeader => 40,
            Role::GridAdmin | Role::Instructor | Role::Supervisor => 35,
            Role::Inspector | Role::GridWorker | Role::Patroller => 30,
            Role::Informant | Role::Liaison => 20,
            Role::BuildingHead => 10,
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Role::SystemAdmin => "系统管理员",
            Role::CenterOperator => "综治中心操作员",
            Role::Leader => "领导（只读）",
            Role::DepartmentHandler => "部门办理人",
            Role::PoliceOfficer => "社区民警",
            Role::GridLeader => "网格长",
            Role::GridAdmin => "网格管理员",
            Role::Instructor => "网格指导员",
            Role::Supervisor => "网格监督员",
            Role::Inspector => "督查员",
            Role::GridWorker => "网格员",
            Role::Patroller => "巡查员",
            Role::Informant => "信息员",
            Role::Liaison => "联络员",
            Role::BuildingHead => "楼栋长",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Role::SystemAdmin => "System administrator",
            Role::CenterOperator => "Center operator",
            Role::Leader => "Leader (read-only)",
            Role::DepartmentHandler => "Department handler",
            Role::PoliceOfficer => "Community police officer",
            Role::GridLeader => "Grid leader",
            Role::GridAdmin => "Grid administrator",
            Role::Instructor => "Grid instructor",
            Role::Supervisor => "Grid supervisor",
            Role::Inspector => "Inspector",
            Role::GridWorker => "Grid worker",
            Role::Patroller => "Patroller",
            Role::Informant => "Informant",
            Role::Liaison => "Liaison",
            Role::BuildingHead => "Building head",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse("role", r.as_str()).unwrap(), r);
        }
        let e = Role::parse("role", "king").unwrap_err();
        assert_eq!(e.field, "role");
        assert!(e.en.contains("grid_worker"));
    }

    #[test]
    fn system_admin_outranks_everyone() {
        for r in Role::ALL.into_iter().filter(|r| *r != Role::SystemAdmin) {
            assert!(r.rank() < Role::SystemAdmin.rank(), "{r}");
        }
        assert!(Role::GridWorker.rank() < Role::GridLeader.rank());
        assert!(Role::BuildingHead.rank() < Role::GridWorker.rank());
    }
}
