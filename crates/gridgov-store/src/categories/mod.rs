//! The incident category tree (事件分类), one for the whole deployment: read by everyone,
//! changed by system administrators, started from the 综治 tree in core. Categories are never
//! deleted (incidents keep their category code for good); a deactivated category and everything
//! below it is offered for no new report, and comes back as it was when reactivated.
//!
//! Every change is audited on the stream `category:<code>`; the seed's additions on
//! `categories:seed`.

mod rule;
mod seed;
mod tree;
mod write;

pub use rule::CategoryRule;
pub use write::CategoryInput;

use gridgov_core::departments::{Sector, parse_sectors};
use gridgov_core::incidents::Grade;
use serde::Serialize;

use crate::{StoreError, StoreResult};

/// One category with its place in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    pub code: String,
    pub parent_code: Option<String>,
    /// 1, 2 or 3.
    pub level: i64,
    pub name: String,
    /// Empty when none was given; the English interface then shows `name`.
    pub name_en: String,
    pub default_grade: Grade,
    pub sectors: Vec<Sector>,
    pub evidence_required: bool,
    /// Offered to citizens' reports.
    pub public: bool,
    /// As set on the category itself.
    pub active: bool,
    /// Active, and so is every category above it: what reports may use.
    pub in_use: bool,
    pub sort_order: i64,
    /// The most working days a task may be extended by in all; `None` for the default.
    pub max_extension_days: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct CategoryRow {
    code: String,
    parent_code: Option<String>,
    level: i64,
    name: String,
    name_en: String,
    default_grade: String,
    sectors: String,
    evidence_required: i64,
    public: i64,
    active: i64,
    sort_order: i64,
    max_extension_days: Option<i64>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

pub(crate) const CATEGORY_COLUMNS: &str = "code, parent_code, level, name, name_en, \
    default_grade, sectors, evidence_required, public, active, sort_order, max_extension_days, \
    version, created_at, updated_at";

impl CategoryRow {
    /// `in_use` is the caller's finding from the rows above.
    pub(crate) fn into_category(self, in_use: bool) -> StoreResult<Category> {
        let bad = |e: gridgov_core::FieldError| {
            StoreError::Internal(format!("stored category {}: {e}", self.code))
        };
        let default_grade = Grade::parse("default_grade", &self.default_grade).map_err(bad)?;
        let sectors = parse_sectors("sectors", [self.sectors.as_str()]).map_err(bad)?;
        Ok(Category {
            in_use: in_use && self.active != 0,
            code: self.code,
            parent_code: self.parent_code,
            level: self.level,
            name: self.name,
            name_en: self.name_en,
            default_grade,
            sectors,
            evidence_required: self.evidence_required != 0,
            public: self.public != 0,
            active: self.active != 0,
            sort_order: self.sort_order,
            max_extension_days: self.max_extension_days,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}
