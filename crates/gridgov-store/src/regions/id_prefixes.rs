//! Whether the first six digits of an ID number name a region: the region codes the ID number
//! checks need, read once from the regions table.

use std::collections::HashSet;

use gridgov_core::ids::PrefixStatus;

use crate::{Store, StoreResult};

/// Province, city and county codes of the divisions this database holds.
#[derive(Debug, Clone, Default)]
pub struct IdPrefixes {
    provinces: HashSet<[u8; 2]>,
    cities: HashSet<[u8; 4]>,
    counties: HashSet<[u8; 6]>,
}

impl IdPrefixes {
    /// From region codes of any level (longer codes than a county's are ignored).
    pub fn from_codes<'a>(codes: impl IntoIterator<Item = &'a str>) -> IdPrefixes {
        let mut p = IdPrefixes::default();
        for c in codes {
            let b = c.as_bytes();
            match b.len() {
                2 => {
                    p.provinces.insert([b[0], b[1]]);
                }
                4 => {
                    p.cities.insert([b[0], b[1], b[2], b[3]]);
                }
                6 => {
                    p.counties.insert([b[0], b[1], b[2], b[3], b[4], b[5]]);
                }
                _ => {}
            }
        }
        p
    }

    /// `Current` for a county of today's list, a city or province issuing on its own (`420200`,
    /// `420000`) and the residence permits of Hong Kong, Macao and Taiwan residents (`81`–`83`);
    /// `Historic` for another code inside a known province: numbers keep the code of a county
    /// that has since been merged or renamed, and such numbers are genuine; `Unknown` otherwise.
    pub fn status(&self, prefix: &str) -> PrefixStatus {
        let b = prefix.as_bytes();
        if b.len() != 6 {
            return PrefixStatus::Unknown;
        }
        let province = [b[0], b[1]];
        if matches!(&province, b"81" | b"82" | b"83") && &b[2..] == b"0000" {
            return PrefixStatus::Current;
        }
        if self
            .counties
            .contains(&[b[0], b[1], b[2], b[3], b[4], b[5]])
            || (&b[4..] == b"00" && self.cities.contains(&[b[0], b[1], b[2], b[3]]))
            || (&b[2..] == b"0000" && self.provinces.contains(&province))
        {
            return PrefixStatus::Current;
        }
        if self.provinces.contains(&province) {
            PrefixStatus::Historic
        } else {
            PrefixStatus::Unknown
        }
    }
}

impl Store {
    /// The region codes ID numbers are checked against. Reference data for every caller, so no
    /// scope applies.
    pub async fn id_prefixes(&self) -> StoreResult<IdPrefixes> {
        let codes: Vec<(String,)> = sqlx::query_as("SELECT code FROM regions WHERE level <= 3")
            .fetch_all(&self.pool)
            .await?;
        Ok(IdPrefixes::from_codes(codes.iter().map(|c| c.0.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_current_former_or_unknown() {
        let p = IdPrefixes::from_codes(["42", "4202", "420202", "420203"]);
        assert_eq!(p.status("420202"), PrefixStatus::Current);
        assert_eq!(p.status("420200"), PrefixStatus::Current);
        assert_eq!(p.status("420000"), PrefixStatus::Current);
        assert_eq!(p.status("810000"), PrefixStatus::Current);
        // 420201 was 黄石市市辖区, issued on old cards and gone from today's list.
        assert_eq!(p.status("420201"), PrefixStatus::Historic);
        assert_eq!(p.status("990101"), PrefixStatus::Unknown);
        assert_eq!(p.status("4202"), PrefixStatus::Unknown);
    }
}
