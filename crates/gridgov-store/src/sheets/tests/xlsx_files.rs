use super::fixture::{Book, C};
use super::{MB, SheetReader, headers, row, rows};

fn open(book: &Book) -> SheetReader {
    SheetReader::from_bytes("人员.xlsx", book.build(), MB).unwrap()
}

#[test]
fn xlsx_values_read_as_excel_shows_them() {
    let book = Book::new()
        .row(
            1,
            &[
                ("A", C::S(" 姓名 ")),
                ("B", C::S("面积")),
                ("C", C::S("人数")),
                ("D", C::S("在册")),
            ],
        )
        .row(
            2,
            &[
                ("A", C::S("张三")),
                ("B", C::N("86.5")),
                ("C", C::N("3")),
                ("D", C::B(true)),
            ],
        )
        .row(
            3,
            &[
                ("A", C::Inline(" 李四 ")),
                ("B", C::N("0.30000000000000004")),
                ("D", C::B(false)),
            ],
        )
        .row(
            5,
            &[
                ("A", C::S("王五")),
                ("B", C::N("-0")),
                ("C", C::N("110101199001011")),
            ],
        );
    let mut r = open(&book);
    assert_eq!(headers(&r), ["姓名", "面积", "人数", "在册"]);
    assert_eq!(r.progress(), (0, 3));
    assert_eq!(
        rows(&mut r),
        [
            row(2, &["张三", "86.5", "3", "TRUE"]),
            row(3, &["李四", "0.3", "", "FALSE"]),
            row(5, &["王五", "0", "110101199001011", ""]),
        ]
    );
    assert_eq!(r.progress(), (3, 3));
}

#[test]
fn xlsx_with_merged_cells_is_refused_naming_the_first_cell() {
    let book = Book::new()
        .row(1, &[("A", C::S("姓名")), ("B", C::S("住址"))])
        .row(3, &[("A", C::S("张三")), ("B", C::S("幸福路1号"))])
        .row(4, &[("A", C::S("李四"))])
        .merge("B3:B4");
    let err = SheetReader::from_bytes("m.xlsx", book.build(), MB)
        .err()
        .unwrap();
    assert_eq!((err.row, err.column.as_deref()), (Some(3), Some("B")));
    assert!(
        err.en
            .contains("cell B3: merged cells are not allowed (B3:B4)"),
        "{err}"
    );
    assert!(err.en.contains("unmerge and fill every cell"), "{err}");
    assert!(
        err.zh.contains("单元格 B3") && err.zh.contains("不允许合并单元格"),
        "{err}"
    );
}

#[test]
fn xlsx_formula_is_refused_naming_its_cell_and_reading_goes_on() {
    let book = Book::new()
        .row(
            1,
            &[
                ("A", C::S("姓名")),
                ("B", C::S("年龄")),
                ("C", C::S("虚岁")),
            ],
        )
        .row(
            2,
            &[("A", C::S("张三")), ("B", C::N("30")), ("C", C::N("31"))],
        )
        .row(
            3,
            &[
                ("A", C::S("李四")),
                ("B", C::N("40")),
                ("C", C::F("B3+1", "41")),
            ],
        )
        .row(
            4,
            &[("A", C::S("王五")), ("B", C::N("50")), ("C", C::N("51"))],
        );
    let mut r = open(&book);
    let all = rows(&mut r);
    assert_eq!(all[0], row(2, &["张三", "30", "31"]));
    let err = all[1].as_ref().unwrap_err();
    assert_eq!((err.row, err.column.as_deref()), (Some(3), Some("C")));
    assert_eq!(err.en, "cell C3: formulas are not allowed: paste values");
    assert!(err.zh.starts_with("单元格 C3：不允许使用公式"), "{err}");
    assert_eq!(all[2], row(4, &["王五", "50", "51"]));
}

#[test]
fn xlsx_date_cells_become_iso_dates() {
    let book = Book::new()
        .row(1, &[("A", C::S("出生日期")), ("B", C::S("登记时间"))])
        .row(
            2,
            &[
                ("A", C::Date(45356.0)),
                ("B", C::DateTime(45356.354166666664)),
            ],
        );
    assert_eq!(
        rows(&mut open(&book)),
        [row(2, &["2024-03-05", "2024-03-05 08:30:00"])]
    );
}

#[test]
fn xlsx_id_number_typed_as_a_number_is_refused() {
    let book = Book::new()
        .row(1, &[("A", C::S("姓名")), ("B", C::S("身份证号"))])
        .row(
            2,
            &[("A", C::S("张三")), ("B", C::N("4.20202199001011E+17"))],
        );
    let all = rows(&mut open(&book));
    let err = all[0].as_ref().unwrap_err();
    assert_eq!((err.row, err.column.as_deref()), (Some(2), Some("B")));
    assert!(
        err.en.contains("cell B2") && err.en.contains("format the column as text"),
        "{err}"
    );
    assert!(err.zh.contains("文本") && err.zh.contains("15 位"), "{err}");
}

#[test]
fn xlsx_error_value_is_refused() {
    let book = Book::new()
        .row(1, &[("A", C::S("姓名")), ("B", C::S("网格"))])
        .row(2, &[("A", C::S("张三")), ("B", C::E("#N/A"))]);
    let all = rows(&mut open(&book));
    let err = all[0].as_ref().unwrap_err();
    assert!(
        err.en.contains("cell B2") && err.en.contains("#N/A"),
        "{err}"
    );
}

#[test]
fn xlsx_empty_rows_are_skipped_even_above_the_header() {
    let book = Book::new()
        .row(1, &[("A", C::Inline("  ")), ("B", C::S(""))])
        .row(2, &[("A", C::S("a")), ("B", C::S("b"))])
        .row(3, &[("A", C::Inline(" ")), ("B", C::Inline("\u{3000}"))])
        .row(4, &[("B", C::N("1"))])
        .row(6, &[("A", C::S(""))]);
    let mut r = open(&book);
    assert_eq!(headers(&r), ["a", "b"]);
    assert_eq!(rows(&mut r), [row(4, &["", "1"])]);
}

#[test]
fn xlsx_value_right_of_the_header_is_refused() {
    let book = Book::new()
        .row(1, &[("A", C::S("a")), ("B", C::S("b"))])
        .row(2, &[("A", C::S("1")), ("D", C::S("备注"))]);
    let err = rows(&mut open(&book)).remove(0).unwrap_err();
    assert_eq!((err.row, err.column.as_deref()), (Some(2), Some("D")));
}

/// Excel writes rows in ascending order and cells left to right; the reader collects a row
/// until the row number changes. A crafted sheet that went back (found by fuzzing) was read as
/// one row split in two under the same number, and a cell given twice hid the rest of its row.
#[test]
fn xlsx_cells_out_of_order_or_given_twice_refuse_the_file() {
    let backwards = Book::new()
        .row(1, &[("A", C::S("姓名")), ("B", C::S("住址"))])
        .row(3, &[("A", C::S("张三")), ("B", C::S("幸福路1号"))])
        .row(2, &[("A", C::S("李四")), ("B", C::S("幸福路2号"))]);
    let err = SheetReader::from_bytes("o.xlsx", backwards.build(), MB)
        .err()
        .unwrap();
    assert_eq!((err.row, err.column.as_deref()), (Some(2), Some("A")));
    assert!(err.en.contains("cell A2: out of order"), "{err}");
    assert!(err.zh.starts_with("单元格 A2："), "{err}");

    let twice = Book::new()
        .row(1, &[("A", C::S("姓名")), ("B", C::S("住址"))])
        .row(
            2,
            &[
                ("A", C::S("张三")),
                ("A", C::S("李四")),
                ("B", C::S("幸福路1号")),
            ],
        );
    let err = SheetReader::from_bytes("t.xlsx", twice.build(), MB)
        .err()
        .unwrap();
    assert_eq!((err.row, err.column.as_deref()), (Some(2), Some("A")));

    let right_to_left = Book::new()
        .row(1, &[("B", C::S("住址")), ("A", C::S("姓名"))])
        .row(2, &[("A", C::S("张三")), ("B", C::S("幸福路1号"))]);
    let err = SheetReader::from_bytes("r.xlsx", right_to_left.build(), MB)
        .err()
        .unwrap();
    assert_eq!((err.row, err.column.as_deref()), (Some(1), Some("A")));
}

/// A merged range written backwards made calamine 0.38 subtract past zero (found by fuzzing):
/// a panic where overflow checks are on, as in debug builds. Either way the file is refused
/// with an error of its own and the reader goes on serving other files.
#[test]
fn xlsx_with_a_backwards_merged_range_is_refused_not_a_panic() {
    let book = Book::new()
        .row(1, &[("A", C::S("姓名")), ("B", C::S("住址"))])
        .row(3, &[("A", C::S("张三")), ("B", C::S("幸福路1号"))])
        .row(4, &[("A", C::S("李四")), ("B", C::S("幸福路2号"))])
        .merge("B4:B3");
    let err = SheetReader::from_bytes("b.xlsx", book.build(), MB)
        .err()
        .unwrap();
    assert!(
        err.en.contains("merged cells are not allowed")
            || err.en.contains("cannot read the XLSX file b.xlsx"),
        "{err}"
    );
    let fine = Book::new()
        .row(1, &[("A", C::S("姓名"))])
        .row(2, &[("A", C::S("张三"))]);
    assert_eq!(
        rows(&mut SheetReader::from_bytes("f.xlsx", fine.build(), MB).unwrap()),
        [row(2, &["张三"])]
    );
}

/// calamine reserves room for as many shared strings as the file claims before reading one: a
/// claim of a trillion (found by fuzzing) made the allocation fail, which aborts the process.
/// Such a file is refused before calamine sees it; a true count still reads.
#[test]
fn xlsx_claiming_more_shared_strings_than_it_holds_is_refused() {
    let book = || {
        Book::new()
            .row(1, &[("A", C::S("姓名")), ("B", C::S("住址"))])
            .row(2, &[("A", C::S("张三")), ("B", C::S("幸福路1号"))])
    };
    let err = SheetReader::from_bytes(
        "s.xlsx",
        book().claim_strings(1_000_000_000_000).build(),
        MB,
    )
    .err()
    .unwrap();
    assert!(
        err.en
            .contains("shared strings claim more entries than they hold"),
        "{err}"
    );
    assert!(err.zh.contains("共享字符串的个数与内容不符"), "{err}");
    // Fewer than it holds is harmless (calamine only reserves less), and the truth reads.
    for claim in [0, 4] {
        let mut r =
            SheetReader::from_bytes("s.xlsx", book().claim_strings(claim).build(), MB).unwrap();
        assert_eq!(rows(&mut r), [row(2, &["张三", "幸福路1号"])]);
    }
}
