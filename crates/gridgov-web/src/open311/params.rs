//! Query strings and form bodies as the spec sends them: repeated names, comma-separated
//! lists, and `attribute[code]` (or `attribute[code][]` for a list) for a service's attributes.

use super::errors::Open311Error;
use crate::app::AppState;
use gridgov_store::open311::Jurisdiction;

pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(bytes: &[u8]) -> Params {
        Params(serde_urlencoded::from_bytes(bytes).unwrap_or_default())
    }

    pub fn extend(&mut self, other: Params) {
        self.0.extend(other.0);
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// Whether `name` was sent at all.
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Every value of `name`, each split at commas, empty ones dropped.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The `attribute[code]` pairs, as (code, value).
    pub fn attributes(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|(k, v)| {
                let code = k.strip_prefix("attribute[")?;
                let code = code
                    .strip_suffix("][]")
                    .or_else(|| code.strip_suffix(']'))?;
                Some((code.to_owned(), v.clone()))
            })
            .collect()
    }
}

/// The jurisdiction a read names. One per city, so the spec's "required if the endpoint serves
/// several" holds here: missing is 400, unknown is 404.
pub async fn jurisdiction(state: &AppState, q: &Params) -> Result<Jurisdiction, Open311Error> {
    let id = q.one("jurisdiction_id");
    if id.is_empty() {
        return Err(Open311Error::bad_request(
            "jurisdiction_id",
            "缺少 jurisdiction_id（城市的区划代码，如 4202）",
            "jurisdiction_id was not provided (the city's region code, e.g. 4202)",
        ));
    }
    state.store.open311_jurisdiction(id).await?.ok_or_else(|| {
        Open311Error::not_found(
            "jurisdiction_id",
            format!("没有辖区 {id}"),
            format!("jurisdiction_id {id} was not found"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_at_commas_and_attributes_keep_their_codes() {
        let p = Params::parse(
            b"status=open,closed&service_code=0601&service_code=0602&attribute%5Btitle%5D=x\
              &attribute%5Btags%5D%5B%5D=a&jurisdiction_id=+4202+",
        );
        assert_eq!(p.list("status"), ["open", "closed"]);
        assert_eq!(p.list("service_code"), ["0601", "0602"]);
        assert_eq!(p.one("jurisdiction_id"), "4202");
        assert_eq!(
            p.attributes(),
            [
                ("title".to_owned(), "x".to_owned()),
                ("tags".to_owned(), "a".to_owned())
            ]
        );
        assert!(!p.has("api_key"));
    }
}
