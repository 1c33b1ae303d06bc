//! The import template people download: the Chinese header of each column and an example row,
//! written by the safe CSV writer like every file gridgov hands out (core holds the columns; the
//! store holds the one writer).

use gridgov_core::base_data::RecordKind;

use crate::sheets::out::SafeCsvWriter;

/// The template of a kind as CSV, with a byte-order mark so that Excel opens it as UTF-8.
pub fn template_csv(kind: RecordKind) -> String {
    let cols = kind.columns();
    let mut w = SafeCsvWriter::for_excel();
    // Writing into memory cannot fail.
    let _ = w.write_record(cols.iter().map(|c| c.zh));
    let _ = w.write_record(cols.iter().map(|c| c.example));
    w.into_string().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use gridgov_core::base_data::templates::map_header;

    use super::*;

    #[test]
    fn every_template_reads_its_own_header_and_example_back() {
        for kind in RecordKind::ALL {
            let text = template_csv(kind);
            let body = text.strip_prefix('\u{feff}').expect("a byte-order mark");
            let mut rows = csv::Reader::from_reader(body.as_bytes());
            let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_owned).collect();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let at = map_header(kind, &header).unwrap();
            assert!(
                at.iter().enumerate().all(|(i, p)| *p == Some(i)),
                "{kind:?}"
            );
            let example = rows.records().next().unwrap().unwrap();
            let want: Vec<&str> = kind.columns().iter().map(|c| c.example).collect();
            assert_eq!(example.iter().collect::<Vec<_>>(), want, "{kind:?}");
        }
    }
}
