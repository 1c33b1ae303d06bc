//! The parties of an incident. A party named by ID number is looked up through the blind index
//! inside the reporter's scope only: a number recorded elsewhere is kept as the name given, so
//! a report never tells its author that a person exists outside their scope.

use gridgov_core::FieldError;
use gridgov_core::auth::Actor;
use gridgov_core::ids::IdCardNo;
use gridgov_core::text::visible_chars;
use sqlx::AnyConnection;

use super::input::PartyInput;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreResult};

/// Parties one incident may have.
const MAX_PARTIES: usize = 50;

/// A party checked and resolved, ready to store.
pub(super) struct Party {
    pub person: Option<(String, String)>,
    pub name: String,
    pub side: String,
    pub note: String,
}

fn too_long(field: &str, max: usize) -> FieldError {
    FieldError::new(
        field,
        "too_long",
        format!("最多 {max} 个字符"),
        format!("at most {max} characters"),
    )
}

impl Store {
    /// Checks the parties and finds the persons named by ID number inside the caller's scope.
    pub(super) async fn resolve_parties(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        parties: &[PartyInput],
    ) -> StoreResult<Vec<Party>> {
        if parties.len() > MAX_PARTIES {
            return Err(FieldError::new(
                "parties",
                "too_many",
                format!("当事人最多 {MAX_PARTIES} 个"),
                format!("at most {MAX_PARTIES} parties"),
            )
            .into());
        }
        let scope = ScopeRange::of(actor);
        let mut out = Vec::with_capacity(parties.len());
        for (i, p) in parties.iter().enumerate() {
            let field = |f: &str| format!("parties[{i}].{f}");
            let (name, side, note) = (p.name.trim(), p.side.trim(), p.note.trim());
            if side.chars().count() > 20 {
                return Err(too_long(&field("side"), 20).into());
            }
            if note.chars().count() > 500 {
                return Err(too_long(&field("note"), 500).into());
            }
            let person = if p.id_card_no.trim().is_empty() {
                None
            } else {
                let id = IdCardNo::parse(&field("id_card_no"), &p.id_card_no)?;
                let index = self.protector()?.id_card_index(&id);
                sqlx::query_as::<_, (String, String, String)>(&format!(
                    "SELECT p.county_code, p.id, p.name FROM persons p \
                     WHERE p.id_card_bidx = $1 AND {} ORDER BY p.county_code LIMIT 1",
                    scope.sql("p.path", 2)
                ))
                .bind(index)
                .bind_scope(&scope)
                .fetch_optional(&mut *conn)
                .await?
            };
            let name = match (&person, name) {
                (Some((_, _, recorded)), "") => recorded.clone(),
                (_, given) if visible_chars(given) == 0 => {
                    return Err(FieldError::new(
                        field("name"),
                        "required",
                        "请填写当事人姓名，或填写本辖区内已登记人员的身份证号",
                        "give the party's name, or the ID number of a person recorded in your scope",
                    )
                    .into());
                }
                (_, given) if given.chars().count() > 50 => {
                    return Err(too_long(&field("name"), 50).into());
                }
                (_, given) => given.to_owned(),
            };
            out.push(Party {
                person: person.map(|(county, id, _)| (county, id)),
                name,
                side: if side.is_empty() {
                    "involved".into()
                } else {
                    side.to_owned()
                },
                note: note.to_owned(),
            });
        }
        Ok(out)
    }
}
