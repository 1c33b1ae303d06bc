//! How a record names its grid in files and forms: the village's 12-digit code and the grid's
//! code, `420202005001-G01`. Grid codes repeat across villages, so the village is part of the key.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::grids::GridCode;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GridKey {
    pub village: String,
    pub code: GridCode,
}

impl GridKey {
    pub fn parse(field: &str, input: &str) -> Result<GridKey, FieldError> {
        let s = input.trim();
        let bad = || {
            FieldError::new(
                field,
                "bad_grid_key",
                format!("网格应写作“村/社区12位代码-网格编码”，如 420202005001-G01：{s}"),
                format!(
                    "a grid is written village code (12 digits)-grid code, e.g. 420202005001-G01: {s}"
                ),
            )
        };
        let (village, code) = s.split_once(['-', '/']).ok_or_else(bad)?;
        if village.len() != 12 || !village.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let code = GridCode::parse(field, code).map_err(|_| bad())?;
        Ok(GridKey {
            village: village.to_owned(),
            code,
        })
    }
}

impl std::fmt::Display for GridKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.village, self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_join_the_village_and_the_grid() {
        let k = GridKey::parse("grid", " 420202005001-g01 ").unwrap();
        assert_eq!(
            (k.village.as_str(), k.code.as_str()),
            ("420202005001", "G01")
        );
        assert_eq!(k.to_string(), "420202005001-G01");
        assert_eq!(
            GridKey::parse("grid", "420202005001/G-2")
                .unwrap()
                .code
                .as_str(),
            "G-2"
        );
        for bad in ["G01", "4202020050-G01", "420202005001-", "42020200500x-G1"] {
            assert_eq!(
                GridKey::parse("grid", bad).unwrap_err().code,
                "bad_grid_key",
                "{bad}"
            );
        }
    }
}
