//! Citizen ID numbers, phones, credit codes and dates, as every import row and form gives them.
//! A parsed ID number carries the right check character and masks its middle; a parsed phone
//! reads back as itself and masks all but its ends.
#![no_main]
#![allow(clippy::unwrap_used)]

use gridgov_core::ids::{
    CreditCode, IdCardNo, Phone, PhoneKind, format_ymd, id_check_char, is_valid_date, parse_date,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = IdCardNo::parse("id", s) {
        gridgov_fuzz::id_card_holds(&id);
        let digits: String = s.trim().to_owned();
        if id.was_upgraded() {
            // 15 digits: region, two-digit year, the rest; the century is put in.
            assert_eq!(digits.len(), 15);
            assert_eq!(&id.as_str()[..6], &digits[..6]);
            assert_eq!(&id.as_str()[8..17], &digits[6..]);
        } else {
            assert_eq!(id.as_str(), digits.to_ascii_uppercase());
        }
    }
    if let Ok(id) = IdCardNo::parse_with("id", s, gridgov_fuzz::TODAY) {
        assert!(id.birth_date() <= gridgov_fuzz::TODAY);
    }
    if let Some(c) = id_check_char(s) {
        let full = format!("{s}{c}");
        // Any 17 digits with their check character fail on the date or the century only.
        if let Err(e) = IdCardNo::parse("id", &full) {
            assert_ne!(e.code, "bad_check_digit", "{full}");
        }
    }
    if let Ok(p) = Phone::parse("phone", s) {
        let stored = p.as_str();
        assert_eq!(Phone::parse("phone", stored).unwrap(), p, "{stored}");
        let masked = p.masked();
        assert!(!format!("{p:?}").contains(stored));
        match p.kind() {
            PhoneKind::Mobile => {
                assert_eq!(stored.len(), 11, "{stored}");
                assert_eq!(masked, format!("{}****{}", &stored[..3], &stored[7..]));
            }
            PhoneKind::Landline => {
                let area = p.area_code().unwrap();
                let local = p.local_number().unwrap();
                assert!(local.len() >= 7, "{stored}");
                assert!(masked.starts_with(area), "{masked}");
                // Only the last four digits of the local number show.
                let hidden = &masked[area.len() + 1..masked.len() - 4];
                assert!(hidden.bytes().all(|b| b == b'*'), "{masked}");
                assert!(masked.ends_with(&local[local.len() - 4..]), "{masked}");
            }
        }
    }
    if let Ok(c) = CreditCode::parse("credit_code", s) {
        assert_eq!(CreditCode::parse("credit_code", c.as_str()).unwrap(), c);
    }
    if let Ok(d) = parse_date("date", s) {
        assert!(is_valid_date(d.0, d.1, d.2), "{d:?}");
        assert_eq!(parse_date("date", &format_ymd(d)).unwrap(), d);
    }
    gridgov_fuzz::check_field("field", s);
});
