//! Finding persons inside the scope: by a full ID number or phone (exact, through the blind
//! index: one indexed lookup) or by the beginning of a name (on the `(path, name)` index).

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::ids::china_date_of_ms;
use gridgov_core::ids::{IdCardNo, Phone};
use serde::Serialize;

use super::persons::{PERSON_COLUMNS, PERSON_FROM, PersonListItem, PersonRow};
use super::{need, page};
use crate::db::escape_like;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreResult};

/// What the search box was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    IdCardNo,
    Phone,
    Name,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonSearch {
    pub kind: SearchKind,
    pub persons: Vec<PersonListItem>,
}

/// How a typed query is read. Digits (with an `X` last) of an ID number's length are an ID number
/// and must be a valid one, so a typo is told as such instead of finding nobody.
enum Query {
    IdCard(IdCardNo),
    Phone(Phone),
    Name(String),
}

fn read_query(q: &str, today: gridgov_core::ids::Ymd) -> Result<Query, FieldError> {
    let compact: String = q
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let digits = compact
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || (i == compact.len() - 1 && matches!(c, 'x' | 'X')));
    if !compact.is_empty() && digits {
        if compact.len() == 18 || compact.len() == 15 {
            return IdCardNo::parse_with("q", &compact, today).map(Query::IdCard);
        }
        return Phone::parse("q", q).map(Query::Phone).map_err(|_| {
            FieldError::new(
                "q",
                "partial_number",
                "请输入完整的身份证号或电话号码，或按姓名查找",
                "give a full ID number or phone number, or search by name",
            )
        });
    }
    let name = q.trim();
    if name.is_empty() {
        return Err(FieldError::new(
            "q",
            "required",
            "请输入身份证号、电话或姓名",
            "type an ID number, a phone number or a name",
        ));
    }
    Ok(Query::Name(name.chars().take(50).collect()))
}

impl Store {
    /// Persons inside the actor's scope matching the query, masked. Names match from their
    /// beginning and come back by name, paged.
    pub async fn search_persons(
        &self,
        actor: &Actor,
        q: &str,
        limit: i64,
        offset: i64,
    ) -> StoreResult<PersonSearch> {
        need(actor, Permission::ViewBaseData)?;
        let prot = self.protector()?;
        let scope = ScopeRange::of(actor);
        let (limit, offset) = page(limit, offset);
        let (kind, rows) = match read_query(q, china_date_of_ms(self.now_ms()))? {
            Query::IdCard(id) => (
                SearchKind::IdCardNo,
                self.exact("p.id_card_bidx", &prot.id_card_index(&id), &scope)
                    .await?,
            ),
            Query::Phone(ph) => (
                SearchKind::Phone,
                self.exact("p.phone_bidx", &prot.phone_index(&ph), &scope)
                    .await?,
            ),
            Query::Name(name) => {
                let rows = sqlx::query_as::<_, PersonRow>(&format!(
                    "SELECT {PERSON_COLUMNS} {PERSON_FROM} WHERE {} \
                     AND p.name LIKE $3 ESCAPE '\\' ORDER BY p.name, p.path, p.id \
                     LIMIT {limit} OFFSET {offset}",
                    scope.sql("p.path", 1)
                ))
                .bind_scope(&scope)
                .bind(format!("{}%", escape_like(&name)))
                .fetch_all(&self.pool)
                .await?;
                (SearchKind::Name, rows)
            }
        };
        Ok(PersonSearch {
            kind,
            persons: rows
                .into_iter()
                .map(|r| r.item(prot))
                .collect::<StoreResult<_>>()?,
        })
    }

    /// One indexed equality lookup on a blind index column, inside the scope. Several rows only
    /// when one number is recorded in several counties (or a phone is shared by a family).
    async fn exact(
        &self,
        column: &str,
        index: &str,
        scope: &ScopeRange,
    ) -> StoreResult<Vec<PersonRow>> {
        Ok(sqlx::query_as::<_, PersonRow>(&format!(
            "SELECT {PERSON_COLUMNS} {PERSON_FROM} WHERE {column} = $1 \
             AND {} ORDER BY p.name, p.id LIMIT 100",
            scope.sql("p.path", 2)
        ))
        .bind(index)
        .bind_scope(scope)
        .fetch_all(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: gridgov_core::ids::Ymd = (2026, 11, 23);

    #[test]
    fn queries_are_read_as_numbers_or_names() {
        assert!(matches!(
            read_query("11010519491231002x", TODAY),
            Ok(Query::IdCard(_))
        ));
        assert!(matches!(
            read_query("138 1234 5678", TODAY),
            Ok(Query::Phone(_))
        ));
        assert!(matches!(read_query(" 张 ", TODAY), Ok(Query::Name(n)) if n == "张"));
        assert_eq!(
            read_query("110105194912310021", TODAY)
                .err()
                .map(|e| e.field),
            Some("q".to_owned())
        );
        assert_eq!(
            read_query("1381234", TODAY).err().map(|e| e.code),
            Some("partial_number")
        );
        assert_eq!(
            read_query("  ", TODAY).err().map(|e| e.code),
            Some("required")
        );
    }
}
