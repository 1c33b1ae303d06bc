//! Desk form bodies: `application/x-www-form-urlencoded` bytes decoded as axum's `Form` extractor
//! decodes them (serde_urlencoded), then each record kind's checks fed from the fields named as
//! its template columns (the single-record forms run the same checks as the import), and every
//! value through the field parsers of the account, region and grid forms.
#![no_main]

use gridgov_core::base_data::RecordKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(data) else {
        return;
    };
    let field = |key: &str| -> &str {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    };
    for kind in RecordKind::ALL {
        gridgov_fuzz::check_record(kind, field);
    }
    for (k, v) in &pairs {
        gridgov_fuzz::check_field(k, v);
    }
});
