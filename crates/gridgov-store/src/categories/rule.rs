//! What the incident loop reads of a category when a matter is reported or closed.

use gridgov_core::departments::Sector;
use gridgov_core::incidents::Grade;
use serde::Serialize;

use super::tree::category_in;
use crate::{Store, StoreResult};

/// A category's rules for a report: the grade it starts with, who usually handles it, whether
/// closing it needs evidence, and whether reports may use it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryRule {
    pub code: String,
    pub level: i64,
    pub name: String,
    pub name_en: String,
    pub default_grade: Grade,
    pub evidence_required: bool,
    pub sectors: Vec<Sector>,
    /// Offered to citizens' reports.
    pub public: bool,
    /// Active, and so is every category above it.
    pub active: bool,
    /// Whether categories sit below it (a report may want the most precise one).
    pub has_children: bool,
}

impl Store {
    /// The rules of a category by code, for the incident loop (which has checked the caller's
    /// right to report); `NotFound` for a code that is not in the tree.
    // Written for the incident loop, which is built beside it; until it calls this, only the
    // tests (through the `testing` feature) do.
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub(crate) async fn category_for_report(&self, code: &str) -> StoreResult<CategoryRule> {
        let mut conn = self.pool.acquire().await?;
        let c = category_in(&mut conn, code).await?;
        let children: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM incident_categories WHERE parent_code = $1",
        )
        .bind(&c.code)
        .fetch_one(&mut *conn)
        .await?;
        Ok(CategoryRule {
            code: c.code,
            level: c.level,
            name: c.name,
            name_en: c.name_en,
            default_grade: c.default_grade,
            evidence_required: c.evidence_required,
            sectors: c.sectors,
            public: c.public,
            active: c.in_use,
            has_children: children > 0,
        })
    }

    /// [`Store::category_for_report`] for tests outside the crate.
    #[cfg(feature = "testing")]
    pub async fn category_for_report_for_tests(&self, code: &str) -> StoreResult<CategoryRule> {
        self.category_for_report(code).await
    }
}
