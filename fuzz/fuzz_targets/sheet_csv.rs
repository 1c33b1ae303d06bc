//! CSV uploads of base data: any bytes under a `.csv` name through `SheetReader` (UTF-8, GB18030,
//! and a zip start sends it to the XLSX reader), every row read, and the rows of a header that
//! matches a template through the same core checks as the importer.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gridgov_fuzz::read_sheet("fuzz.csv", data.to_vec());
});
