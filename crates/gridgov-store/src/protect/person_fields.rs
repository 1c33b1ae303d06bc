//! How ID numbers and phones are written to the base data tables: sealed beside a blind index
//! of their one canonical form (18 characters with upper-case `X`; a phone's digits as
//! [`Phone::as_str`] gives them). Every writer and every search goes through these, so a value
//! written by the import is found by the search box.

use gridgov_core::ids::{IdCardNo, Phone};

use super::{FieldKind, Protector};
use crate::StoreResult;

/// A protected value as stored: the sealed text and its blind index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub sealed: String,
    pub index: String,
}

impl Protector {
    pub fn seal_id_card(&self, id: &IdCardNo) -> StoreResult<Sealed> {
        Ok(Sealed {
            sealed: self.seal(FieldKind::IdCardNo, id.as_str())?,
            index: self.id_card_index(id),
        })
    }

    pub fn id_card_index(&self, id: &IdCardNo) -> String {
        self.blind_index(FieldKind::IdCardNo, id.as_str())
    }

    pub fn seal_phone(&self, phone: &Phone) -> StoreResult<Sealed> {
        Ok(Sealed {
            sealed: self.seal(FieldKind::Phone, phone.as_str())?,
            index: self.phone_index(phone),
        })
    }

    pub fn phone_index(&self, phone: &Phone) -> String {
        self.blind_index(FieldKind::Phone, phone.as_str())
    }
}
