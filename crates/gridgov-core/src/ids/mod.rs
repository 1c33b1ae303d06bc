//! Base data that parses: citizen ID numbers, phone numbers, unified social credit codes and
//! dates, each checked once at the edge and carried as its own type afterwards.
//!
//! Imports run these over millions of rows, so the parsers read bytes directly, keep their
//! values inline (no heap) and allocate only when building an error.

pub mod credit_code;
pub mod date;
pub mod id_card;
pub mod phone;

pub use credit_code::CreditCode;
pub use date::{
    Ymd, china_date_of_ms, civil_from_days, days_from_civil, days_in_month, format_ymd,
    is_leap_year, is_valid_date, parse_date, weekday_of_days,
};
pub use id_card::{
    Gender, IdCardNo, OLD_REGION_CODE, PrefixStatus, id_check_char, is_warning, prefix_fault,
};
pub use phone::{Phone, PhoneKind};
