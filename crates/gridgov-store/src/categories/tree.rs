//! Reading the tree: all of it in order, or one category.

use std::collections::HashMap;

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::departments::CategoryCode;
use sqlx::AnyConnection;

use super::{CATEGORY_COLUMNS, Category, CategoryRow};
use crate::records::need;
use crate::{Store, StoreError, StoreResult};

/// Rows in tree order: each parent followed by its children, siblings by their order and code.
/// A row whose parent is missing (none should be) is kept at the top level rather than lost.
fn in_tree_order(rows: Vec<CategoryRow>) -> StoreResult<Vec<Category>> {
    let known: std::collections::HashSet<String> = rows.iter().map(|r| r.code.clone()).collect();
    let mut children: HashMap<Option<String>, Vec<CategoryRow>> = HashMap::new();
    for r in rows {
        let parent = r.parent_code.clone().filter(|p| known.contains(p));
        children.entry(parent).or_default().push(r);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| (a.sort_order, &a.code).cmp(&(b.sort_order, &b.code)));
    }
    let mut out = Vec::new();
    // Depth first with an explicit stack: (row, whether everything above it is active).
    let mut stack: Vec<(CategoryRow, bool)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|r| (r, true))
        .collect();
    while let Some((row, above_active)) = stack.pop() {
        let here_active = above_active && row.active != 0;
        if let Some(kids) = children.remove(&Some(row.code.clone())) {
            stack.extend(kids.into_iter().rev().map(|k| (k, here_active)));
        }
        out.push(row.into_category(above_active)?);
    }
    Ok(out)
}

/// One category with `in_use` worked out from the rows above it.
pub(crate) async fn category_in(conn: &mut AnyConnection, code: &str) -> StoreResult<Category> {
    let code = CategoryCode::parse("code", code).map_err(|_| StoreError::NotFound)?;
    let mut codes: Vec<String> = code.ancestors().iter().map(|c| c.to_string()).collect();
    codes.push(code.to_string());
    // At most three codes; the missing slots repeat the code itself.
    while codes.len() < 3 {
        codes.push(code.to_string());
    }
    let rows = sqlx::query_as::<_, CategoryRow>(&format!(
        "SELECT {CATEGORY_COLUMNS} FROM incident_categories WHERE code IN ($1, $2, $3)"
    ))
    .bind(&codes[0])
    .bind(&codes[1])
    .bind(&codes[2])
    .fetch_all(conn)
    .await?;
    let above_active = rows
        .iter()
        .filter(|r| r.code != code.as_str())
        .all(|r| r.active != 0);
    rows.into_iter()
        .find(|r| r.code == code.as_str())
        .ok_or(StoreError::NotFound)?
        .into_category(above_active)
}

impl Store {
    /// The whole tree in order (parents before children), with each category's level and
    /// whether reports may use it. Without `include_inactive`, only what is in use.
    pub async fn category_tree(
        &self,
        actor: &Actor,
        include_inactive: bool,
    ) -> StoreResult<Vec<Category>> {
        need(actor, Permission::ViewCategories)?;
        let rows = sqlx::query_as::<_, CategoryRow>(&format!(
            "SELECT {CATEGORY_COLUMNS} FROM incident_categories ORDER BY code"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut all = in_tree_order(rows)?;
        if !include_inactive {
            all.retain(|c| c.in_use);
        }
        Ok(all)
    }

    /// One category by its code.
    pub async fn category(&self, actor: &Actor, code: &str) -> StoreResult<Category> {
        need(actor, Permission::ViewCategories)?;
        let mut conn = self.pool.acquire().await?;
        category_in(&mut conn, code).await
    }
}
