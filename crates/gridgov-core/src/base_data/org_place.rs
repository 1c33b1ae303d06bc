//! Organizations and places of a grid, as file rows or forms give them.

use crate::error::FieldError;
use crate::ids::{CreditCode, Phone};

use super::fields::{opt_float, opt_text, req_text};
use super::person::{keep, opt};
use super::vocab::{OrgKind, PlaceKind};

#[derive(Debug, Clone, Copy, Default)]
pub struct OrganizationDraft<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub credit_code: &'a str,
    pub address: &'a str,
    pub contact: &'a str,
    pub phone: &'a str,
}

#[derive(Debug, Clone)]
pub struct ValidOrganization {
    pub name: String,
    pub kind: OrgKind,
    pub credit_code: Option<CreditCode>,
    pub address: String,
    pub contact: String,
    /// An organization's phone is a public contact, stored in the clear.
    pub phone: Option<Phone>,
}

impl OrganizationDraft<'_> {
    pub fn check(&self) -> Result<ValidOrganization, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = keep(req_text("name", self.name, 100), &mut e);
        let kind = keep(OrgKind::parse("kind", self.kind), &mut e);
        let credit = opt(
            self.credit_code,
            |s| CreditCode::parse("credit_code", s),
            &mut e,
        );
        let address = keep(opt_text("address", self.address, 200), &mut e);
        let contact = keep(opt_text("contact", self.contact, 50), &mut e);
        let phone = opt(self.phone, |s| Phone::parse("phone", s), &mut e);
        match (name, kind, credit, address, contact, phone) {
            (
                Some(name),
                Some(kind),
                Some(credit_code),
                Some(address),
                Some(contact),
                Some(phone),
            ) => Ok(ValidOrganization {
                name,
                kind,
                credit_code,
                address,
                contact,
                phone,
            }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct PlaceDraft<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub address: &'a str,
    pub lng: &'a str,
    pub lat: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidPlace {
    pub name: String,
    pub kind: PlaceKind,
    pub address: String,
    /// WGS84 longitude and latitude, both or neither.
    pub location: Option<(f64, f64)>,
}

impl PlaceDraft<'_> {
    pub fn check(&self) -> Result<ValidPlace, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = keep(req_text("name", self.name, 100), &mut e);
        let kind = keep(PlaceKind::parse("kind", self.kind), &mut e);
        let address = keep(opt_text("address", self.address, 200), &mut e);
        let lng = keep(opt_float("lng", self.lng, -180.0, 180.0), &mut e);
        let lat = keep(opt_float("lat", self.lat, -90.0, 90.0), &mut e);
        let location = match (lng, lat) {
            (Some(Some(lng)), Some(Some(lat))) => Some(Some((lng, lat))),
            (Some(None), Some(None)) => Some(None),
            (Some(Some(_)), Some(None)) | (Some(None), Some(Some(_))) => {
                e.push(FieldError::new(
                    "lat",
                    "half_a_location",
                    "经度和纬度须同时填写或同时留空",
                    "give both longitude and latitude, or neither",
                ));
                None
            }
            _ => None,
        };
        match (name, kind, address, location) {
            (Some(name), Some(kind), Some(address), Some(location)) => Ok(ValidPlace {
                name,
                kind,
                address,
                location,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organizations_and_places() {
        let o = OrganizationDraft {
            name: "桂花湾社区治安巡逻队",
            kind: "群防群治",
            credit_code: "91350100M000100Y43",
            phone: "0714-6251234",
            ..Default::default()
        }
        .check()
        .unwrap();
        assert_eq!(o.kind, OrgKind::MassPrevention);
        assert!(o.credit_code.is_some());
        let e = OrganizationDraft {
            name: "某公司",
            kind: "企业",
            credit_code: "91350100M000100Y44",
            ..Default::default()
        }
        .check()
        .unwrap_err();
        assert_eq!(e[0].field, "credit_code");
        let p = PlaceDraft {
            name: "青山湖",
            kind: "水域",
            lng: "115.05",
            lat: "30.21",
            ..Default::default()
        }
        .check()
        .unwrap();
        assert_eq!(p.location, Some((115.05, 30.21)));
        let e = PlaceDraft {
            name: "青山湖",
            kind: "水域",
            lng: "115.05",
            ..Default::default()
        }
        .check()
        .unwrap_err();
        assert_eq!(e[0].code, "half_a_location");
    }
}
