//! The household band of grids and the grid card's phone display: small settings that were
//! global (`grids::HOUSEHOLD_BAND`, the deployment's `card_phones`) and are now per region.

use serde::{Deserialize, Serialize};

use crate::error::{Checker, FieldError, Invalid};
use crate::vocab::vocabulary;

/// Households a grid should hold, inclusive. The default is `grids::HOUSEHOLD_BAND` (000:
/// 300–500 in towns); a rural county sets a lower one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdBand {
    pub min: i64,
    pub max: i64,
}

/// A band wider than this is a typing slip, not a standard.
const BAND_MAX: i64 = 100_000;

impl Default for HouseholdBand {
    fn default() -> Self {
        let (min, max) = crate::grids::HOUSEHOLD_BAND;
        HouseholdBand { min, max }
    }
}

impl HouseholdBand {
    pub fn check(&self) -> Result<(), Invalid> {
        let mut c = Checker::new();
        if self.min < 1 {
            c.push(FieldError::new(
                "min",
                "not_positive",
                "户数下限必须大于零",
                "the lowest number of households must be greater than zero",
            ));
        }
        if self.max < self.min {
            c.push(FieldError::new(
                "max",
                "below_min",
                format!("户数上限 {} 不能低于下限 {}", self.max, self.min),
                format!(
                    "the highest number of households ({}) cannot be below the lowest ({})",
                    self.max, self.min
                ),
            ));
        } else if self.max > BAND_MAX {
            c.push(FieldError::new(
                "max",
                "too_large",
                format!("户数上限最多 {BAND_MAX}"),
                format!("the highest number of households is at most {BAND_MAX}"),
            ));
        }
        c.finish()
    }
}

vocabulary!(
    /// How the public grid card shows its staff's phones.
    PhoneShown, "unknown_phone_display", "电话显示方式", "phone display", {
        Full => ("full", "完整显示", "in full"),
        Masked => ("masked", "部分隐藏", "masked"),
        Hidden => ("hidden", "不显示", "hidden"),
    }
);
