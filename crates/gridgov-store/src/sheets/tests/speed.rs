use std::io::Write;
use std::time::Instant;

use super::{SheetReader, TempFile};

/// Prints rows/s for 2.5 million 10-column rows read from a file. Run in release:
/// `cargo test --release -p gridgov-store --lib sheets::tests::speed -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, run by hand in release"]
fn csv_reads_two_and_a_half_million_rows() {
    const ROWS: u64 = 2_500_000;
    let file = TempFile::new("speed.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file.0).unwrap());
    writeln!(
        out,
        "姓名,身份证号,电话,网格,楼栋,单元,房号,面积,户籍地,备注"
    )
    .unwrap();
    for i in 0..ROWS {
        writeln!(
            out,
            "居民{i},1101011990{i:08},139{i:08},网格{},{},{},{},86.5,北京市东城区,无",
            i % 300,
            i % 40,
            i % 6,
            i % 2000
        )
        .unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let size = std::fs::metadata(&file.0).unwrap().len();

    let started = Instant::now();
    let mut reader = SheetReader::open(&file.0, u64::MAX).unwrap();
    let mut rec = csv::StringRecord::new();
    let mut count = 0u64;
    while reader.read(&mut rec).unwrap().is_some() {
        count += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(count, ROWS);
    assert_eq!(reader.progress(), (size, size));
    println!(
        "{count} rows x 10 columns ({:.0} MB) in {secs:.2} s: {:.0} rows/s",
        size as f64 / 1e6,
        count as f64 / secs
    );
}
