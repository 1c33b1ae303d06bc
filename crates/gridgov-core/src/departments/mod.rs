//! Linked departments (联动部门) and the incident category tree (事件分类), as rules without
//! I/O: the sectors departments belong to, what makes a department's name, the shape of
//! category codes and where a category may sit, and the tree a deployment starts with.
//!
//! The store keeps departments per region (a department serves its region and everything
//! below it) and the category tree once for the whole deployment; the incident loop reads a
//! category's default grade, sectors and evidence rule when a matter is reported.

mod category;
mod category_seed;
mod department;
mod sector;

pub use category::{CategoryCode, CategoryDraft, MAX_LEVEL, ValidCategory, place_in_tree};
pub use category_seed::{CATEGORY_SEED, SeedCategory};
pub use department::{DepartmentDraft, NAME_MAX, NAME_MIN, ValidDepartment, parse_department_name};
pub use sector::{MAX_SECTORS, Sector, parse_sectors, sectors_text, split_sectors};
