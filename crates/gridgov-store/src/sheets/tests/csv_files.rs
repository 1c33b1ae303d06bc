use encoding_rs::GB18030;

use super::{MB, SheetReader, headers, row, rows};

#[test]
fn csv_cells_are_trimmed_and_rows_numbered_by_the_line_they_start_on() {
    let text =
        "姓名, 身份证号 ,备注\n 张三 ,110,\u{3000}新迁入\n李四,120,\"两行\n备注\"\n王五,130,\n";
    let mut r = SheetReader::from_bytes("人员.csv", text.as_bytes().to_vec(), MB).unwrap();
    assert_eq!(headers(&r), ["姓名", "身份证号", "备注"]);
    assert_eq!(
        rows(&mut r),
        [
            row(2, &["张三", "110", "新迁入"]),
            row(3, &["李四", "120", "两行\n备注"]),
            row(5, &["王五", "130", ""]),
        ]
    );
}

#[test]
fn csv_from_windows_with_crlf_line_ends_numbers_rows_by_line() {
    let text = "a,b\r\n\r\n1,2\r\n\"x\r\ny\",3\r\n\n4,\"5\"";
    let mut r = SheetReader::from_bytes("crlf.csv", text.as_bytes().to_vec(), MB).unwrap();
    assert_eq!(headers(&r), ["a", "b"]);
    assert_eq!(
        rows(&mut r),
        [
            row(3, &["1", "2"]),
            row(4, &["x\r\ny", "3"]),
            row(7, &["4", "5"])
        ]
    );
}

#[test]
fn csv_utf8_bom_is_not_part_of_the_first_column_name() {
    let mut r =
        SheetReader::from_bytes("bom.csv", b"\xEF\xBB\xBFname,age\nA,1\n".to_vec(), MB).unwrap();
    assert_eq!(headers(&r), ["name", "age"]);
    assert_eq!(rows(&mut r), [row(2, &["A", "1"])]);
}

#[test]
fn csv_saved_by_chinese_excel_in_gb18030_is_decoded() {
    let (bytes, _, _) = GB18030.encode("姓名,住址\n张三,幸福路1号\n李四,和平街2号\n");
    let bytes = bytes.into_owned();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be UTF-8"
    );
    let size = bytes.len() as u64;
    let mut r = SheetReader::from_bytes("人员.csv", bytes, MB).unwrap();
    assert_eq!(headers(&r), ["姓名", "住址"]);
    assert_eq!(
        rows(&mut r),
        [
            row(2, &["张三", "幸福路1号"]),
            row(3, &["李四", "和平街2号"])
        ]
    );
    assert_eq!(r.progress(), (size, size));
}

#[test]
fn csv_switching_to_gbk_after_the_sniffed_start_is_an_error_naming_the_line() {
    let mut bytes = b"name,note\n".to_vec();
    for _ in 0..8000 {
        bytes.extend_from_slice(b"plain,ascii row\n");
    }
    let (gbk, _, _) = GB18030.encode("张三,备注\n");
    bytes.extend_from_slice(&gbk);
    let mut r = SheetReader::from_bytes("mixed.csv", bytes, MB).unwrap();
    let all = rows(&mut r);
    let err = all.last().unwrap().as_ref().unwrap_err();
    assert_eq!(err.row, Some(8002));
    assert!(
        err.en.contains("line 8002") && err.en.contains("UTF-8"),
        "{err}"
    );
    assert!(err.zh.contains("第 8002 行"), "{err}");
}

#[test]
fn csv_unclosed_quote_swallows_the_lines_after_it_and_is_reported() {
    let text = "a,b,c\n1,\"2,3\n4,5,6\n7,8,9\n";
    let mut r = SheetReader::from_bytes("q.csv", text.as_bytes().to_vec(), MB).unwrap();
    let all = rows(&mut r);
    assert_eq!(
        all.len(),
        1,
        "lines 3 and 4 disappear into the quoted cell: {all:?}"
    );
    let err = all[0].as_ref().unwrap_err();
    assert_eq!(err.row, Some(2));
    assert!(
        err.en.contains("line 2 has 2 fields but the header has 3"),
        "{err}"
    );
    assert!(err.en.contains("quoting may be broken"), "{err}");
    assert!(
        err.zh.contains("第 2 行有 2 列") && err.zh.contains("引号"),
        "{err}"
    );
}

#[test]
fn csv_row_with_too_many_fields_is_an_error_and_reading_goes_on() {
    let text = "a,b\n1,2,3\n4,5\n";
    let mut r = SheetReader::from_bytes("n.csv", text.as_bytes().to_vec(), MB).unwrap();
    let all = rows(&mut r);
    assert_eq!(all[0].as_ref().unwrap_err().row, Some(2));
    assert_eq!(all[1], row(3, &["4", "5"]));
}

#[test]
fn csv_empty_rows_are_skipped_and_numbering_keeps_to_the_file() {
    let text = "\n,,\na,b\n\n1,2\n,\n \u{3000}, \n3,4\n";
    let mut r = SheetReader::from_bytes("gaps.csv", text.as_bytes().to_vec(), MB).unwrap();
    assert_eq!(headers(&r), ["a", "b"]);
    assert_eq!(rows(&mut r), [row(5, &["1", "2"]), row(8, &["3", "4"])]);
}

#[test]
fn csv_without_any_filled_row_has_no_header() {
    let err = SheetReader::from_bytes("blank.csv", b"\n , \n".to_vec(), MB)
        .err()
        .unwrap();
    assert!(err.en.contains("no header row"), "{err}");
}

#[test]
fn csv_in_neither_utf8_nor_gb18030_is_refused() {
    // Decoding runs ahead of the rows, so a small file fails while its header is read.
    let err = SheetReader::from_bytes("bin.csv", b"a,b\n\xFF\xFF,1\n".to_vec(), MB)
        .err()
        .unwrap();
    assert!(err.en.contains("neither UTF-8 nor GB18030"), "{err}");
}
