//! What a workbook must pass before calamine opens it. calamine reserves room for as many
//! shared strings as the `<sst uniqueCount="…">` attribute claims before it reads one: a tiny
//! crafted workbook claiming billions (found by fuzzing) made that allocation fail, and a failed
//! allocation aborts the whole process (the server with it); no unwind is left to catch. So every
//! shared-strings part is read here first, and the file is refused when its count claims more
//! strings than the part holds, or when the part unpacks past the reader's budget.

use std::io::{Read, Seek};

use super::SheetError;

/// Reads every part named like `sharedStrings.xml` (calamine matches part names without regard
/// to case) and checks its `uniqueCount` against the `<si>` elements it really has. `budget`
/// bounds the bytes unpacked from each part.
pub(super) fn check_shared_strings<RS: Read + Seek>(
    name: &str,
    rs: &mut RS,
    budget: u64,
) -> Result<(), SheetError> {
    // A broken archive is calamine's to report, in its own words.
    let Ok(mut zip) = zip::ZipArchive::new(rs) else {
        return Ok(());
    };
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            continue;
        };
        if !part
            .name_raw()
            .to_ascii_lowercase()
            .ends_with(b"sharedstrings.xml")
        {
            continue;
        }
        let mut scan = Scan::default();
        let mut buf = [0u8; 64 * 1024];
        let mut part = part.take(budget.saturating_add(1));
        let mut read = 0u64;
        loop {
            let n = match part.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                // Also calamine's to report.
                Err(_) => return Ok(()),
            };
            read += n as u64;
            if read > budget {
                return Err(too_much(name));
            }
            scan.feed(&buf[..n]);
        }
        if scan.claimed.is_some_and(|c| c > scan.strings) {
            return Err(SheetError::file(
                format!(
                    "无法读取 XLSX 文件 {name}：共享字符串的个数与内容不符，疑似异常文件，已拒绝"
                ),
                format!(
                    "cannot read the XLSX file {name}: its shared strings claim more entries than \
                     they hold; refused"
                ),
            ));
        }
    }
    Ok(())
}

fn too_much(name: &str) -> SheetError {
    SheetError::file(
        format!("工作簿 {name} 解压后的内容远大于文件本身，疑似异常文件，已拒绝"),
        format!("the workbook {name} unpacks to far more data than its size suggests; refused"),
    )
}

/// Counts `<si` element starts and reads `uniqueCount` from the `<sst` start tag, across buffer
/// boundaries. A plain byte scan is enough: a `<si>` written where calamine would not take it (in
/// a comment or CDATA) only makes the count larger, which can let a claim through but costs the
/// file its bytes, and those are bounded by the budget like everything else it unpacks to.
#[derive(Default)]
struct Scan {
    /// The last bytes of the previous buffer, so a tag cut in two is still seen.
    tail: Vec<u8>,
    /// Bytes of the `<sst` start tag while it is being read, and the quote open in it: a `>`
    /// inside a quoted value does not end the tag, for calamine's XML reader either.
    sst: Option<(Vec<u8>, Option<u8>)>,
    claimed: Option<u64>,
    strings: u64,
}

impl Scan {
    fn feed(&mut self, data: &[u8]) {
        let mut joined = std::mem::take(&mut self.tail);
        joined.extend_from_slice(data);
        let mut i = 0;
        while i < joined.len() {
            if let Some((tag, quote)) = self.sst.as_mut() {
                let mut end = None;
                for (k, &b) in joined[i..].iter().enumerate() {
                    match *quote {
                        Some(q) if b == q => *quote = None,
                        Some(_) => {}
                        None if b == b'"' || b == b'\'' => *quote = Some(b),
                        None if b == b'>' => {
                            end = Some(k);
                            break;
                        }
                        None => {}
                    }
                }
                let upto = end.map_or(joined.len(), |k| i + k);
                // Attributes past the first 4 KiB are not read: Excel writes three.
                if tag.len() < 4096 {
                    tag.extend_from_slice(&joined[i..upto]);
                }
                match end {
                    Some(_) => {
                        self.claimed = Some(unique_count(tag));
                        self.sst = None;
                        i = upto + 1;
                        continue;
                    }
                    None => break,
                }
            }
            let Some(lt) = joined[i..].iter().position(|&b| b == b'<') else {
                break;
            };
            let at = i + lt;
            let rest = &joined[at..];
            // A tag cut at the buffer's end is looked at again with the next buffer.
            if rest.len() < 64 && !rest.contains(&b'>') {
                self.tail = rest.to_vec();
                break;
            }
            if tag_named(rest, b"si") {
                self.strings += 1;
            } else if self.claimed.is_none() && tag_named(rest, b"sst") {
                self.sst = Some((Vec::new(), None));
                i = at + 4;
                continue;
            }
            i = at + 1;
        }
    }
}

/// Whether `at` (starting with `<`) opens an element called `name`, with or without a prefix
/// (`<x:si>`).
fn tag_named(at: &[u8], name: &[u8]) -> bool {
    let after_lt = &at[1..];
    let local = match after_lt.iter().take(32).position(|&b| b == b':') {
        Some(colon)
            if after_lt[..colon]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_') =>
        {
            &after_lt[colon + 1..]
        }
        _ => after_lt,
    };
    local.starts_with(name)
        && local
            .get(name.len())
            .is_some_and(|&b| b == b'>' || b == b'/' || b.is_ascii_whitespace())
}

/// The largest number written after any `uniqueCount=` in the tag (0 when there is none). Every
/// occurrence counts, even one inside another attribute's value: a claim read too high only
/// refuses a strange file, one read too low would let calamine reserve what it claims.
fn unique_count(tag: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(tag);
    let mut most = 0u64;
    for (at, _) in text.match_indices("uniqueCount") {
        let rest = text[at + "uniqueCount".len()..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest).trim_start();
        let rest = rest.strip_prefix('+').unwrap_or(rest);
        let digits: &str = &rest[..rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len())];
        if !digits.is_empty() {
            most = most.max(digits.parse::<u64>().unwrap_or(u64::MAX));
        }
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(parts: &[&[u8]]) -> Scan {
        let mut s = Scan::default();
        for p in parts {
            s.feed(p);
        }
        s
    }

    #[test]
    fn counts_strings_and_reads_the_claim_across_buffers() {
        let s = scan(&[
            b"<?xml version=\"1.0\"?><sst xmlns=\"m\" count=\"3\" uniq",
            b"ueCount=\"2\"><si><t>a</t></si><s",
            b"i><t>b</t></si><x:si/></sst>",
        ]);
        assert_eq!((s.claimed, s.strings), (Some(2), 3));
        let s = scan(&[b"<sst uniqueCount='99999999999999999999999'><si><t>x</t></si></sst>"]);
        assert_eq!((s.claimed, s.strings), (Some(u64::MAX), 1));
        // A `>` inside a quoted value does not end the tag; every claim counts.
        let s = scan(&[
            b"<sst a=\"x>uniqueCount='1'\" uniqueCount = \"99",
            b"99\" count=\"1\"><si/></sst>",
        ]);
        assert_eq!((s.claimed, s.strings), (Some(9999), 1));
        // No count claims nothing; `<sig>` is another element.
        let s = scan(&[b"<sst><sig/><si>", b"</si></sst>"]);
        assert_eq!((s.claimed, s.strings), (Some(0), 1));
    }
}
