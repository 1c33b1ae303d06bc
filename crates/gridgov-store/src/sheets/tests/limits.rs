use std::time::Instant;

use super::fixture::{Book, C};
use super::{MB, SheetReader, TempFile, headers, row, rows};

#[test]
fn upload_in_memory_over_the_limit_is_refused() {
    let err = SheetReader::from_bytes("big.csv", vec![b'a'; 2048], 1024)
        .err()
        .unwrap();
    assert_eq!((err.row, err.column.as_deref()), (None, None));
    assert!(
        err.en.contains("big.csv") && err.en.contains("more than"),
        "{err}"
    );
    assert!(err.zh.contains("超过上限"), "{err}");
}

#[test]
fn two_gigabyte_file_is_refused_before_it_is_read() {
    let file = TempFile::new("2gb.csv");
    // Sparse: the size is there, the bytes are not, so reading it would show as slowness.
    std::fs::File::create(&file.0)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let started = Instant::now();
    let err = SheetReader::open(&file.0, 50 * MB).err().unwrap();
    assert!(
        started.elapsed().as_millis() < 500,
        "took {:?}",
        started.elapsed()
    );
    assert!(
        err.en.contains("2048.0 MB, more than the 50.0 MB allowed"),
        "{err}"
    );
}

#[test]
fn files_on_disk_are_read_the_same_as_uploads() {
    let csv = TempFile::new("people.csv");
    std::fs::write(&csv.0, "a,b\n1,2\n").unwrap();
    let mut r = SheetReader::open(&csv.0, MB).unwrap();
    assert_eq!(rows(&mut r), [row(2, &["1", "2"])]);
    assert_eq!(r.progress(), (8, 8));

    let xlsx = TempFile::new("people.xlsx");
    let book = Book::new()
        .row(1, &[("A", C::S("a"))])
        .row(2, &[("A", C::N("1"))]);
    std::fs::write(&xlsx.0, book.build()).unwrap();
    let mut r = SheetReader::open(&xlsx.0, MB).unwrap();
    assert_eq!(headers(&r), ["a"]);
    assert_eq!(rows(&mut r), [row(2, &["1"])]);
}

#[test]
fn format_is_told_by_content_not_by_the_name() {
    let book = Book::new()
        .row(1, &[("A", C::S("姓名"))])
        .row(2, &[("A", C::S("张三"))]);
    let mut r = SheetReader::from_bytes("改过名.csv", book.build(), MB).unwrap();
    assert_eq!(rows(&mut r), [row(2, &["张三"])]);
}

#[test]
fn old_xls_or_encrypted_workbook_is_refused_with_advice() {
    let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    bytes.resize(4096, 0);
    let err = SheetReader::from_bytes("old.xls", bytes, MB).err().unwrap();
    assert!(err.en.contains("save it as .xlsx or CSV"), "{err}");
}

#[test]
fn xlsx_column_past_excels_last_is_refused() {
    let book = Book::new()
        .row(1, &[("A", C::S("a"))])
        .row(2, &[("XFE", C::S("x"))]);
    let err = SheetReader::from_bytes("wide.xlsx", book.build(), MB)
        .err()
        .unwrap();
    assert!(err.en.contains("far more data"), "{err}");
}

#[test]
fn reader_can_move_to_a_blocking_thread() {
    fn send<T: Send>() {}
    send::<SheetReader>();
}
