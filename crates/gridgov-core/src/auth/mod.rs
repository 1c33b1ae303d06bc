//! Who may do what: roles, the permission matrix and the acting user.

mod actor;
mod permissions;
mod roles;

pub use actor::{Actor, GrantError};
pub use permissions::{Permission, permissions_of};
pub use roles::Role;
