//! The name an attachment is shown and downloaded under: what its sender called it, made safe.
//! It says nothing about the type (that comes from the content) and never becomes a path.

pub const MAX_NAME_CHARS: usize = 120;

/// The last component of the sent name (browsers on old systems send a full path), without
/// control characters or the invisible and direction-changing ones that make `exe.jpg` read as
/// `gpj.exe`, with the characters Windows refuses in names replaced, without leading dots (no
/// hidden files, no `..`), at most [`MAX_NAME_CHARS`] characters keeping its extension. An
/// empty result becomes `attachment.<extension>` (`attachment` without one).
pub(crate) fn clean_file_name(sent: &str, extension: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|&c| !c.is_control() && !invisible(c))
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c => c,
        })
        .collect();
    let name = cleaned
        .trim()
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    if name.is_empty() {
        return match extension {
            "" => "attachment".into(),
            ext => format!("attachment.{ext}"),
        };
    }
    shorten(name)
}

/// Zero-width characters, direction marks, embeddings, overrides and isolates, the BOM.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn shorten(name: &str) -> String {
    let chars = name.chars().count();
    if chars <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.is_empty() && e.chars().count() <= 10);
    match ext {
        Some(ext) => {
            let keep = MAX_NAME_CHARS - 1 - ext.chars().count();
            let stem: String = name.chars().take(keep).collect();
            format!("{}.{ext}", stem.trim_end())
        }
        None => name.chars().take(MAX_NAME_CHARS).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(s: &str) -> String {
        clean_file_name(s, "jpg")
    }

    #[test]
    fn names_lose_paths_controls_and_tricks() {
        assert_eq!(clean("现场照片 1.jpg"), "现场照片 1.jpg");
        assert_eq!(clean("C:\\Users\\zhang\\Desktop\\积水.jpg"), "积水.jpg");
        assert_eq!(clean("../../etc/passwd"), "passwd");
        assert_eq!(clean(".."), "attachment.jpg");
        assert_eq!(clean(".bashrc"), "bashrc");
        assert_eq!(clean("a\r\nContent-Type: x.jpg"), "aContent-Type_ x.jpg");
        assert_eq!(clean("photo\u{202e}gpj.exe"), "photogpj.exe");
        assert_eq!(clean("say \"hi\"?.txt"), "say _hi__.txt");
        assert_eq!(clean("  \u{200b} "), "attachment.jpg");
        assert_eq!(clean_file_name("", "pdf"), "attachment.pdf");
        assert_eq!(clean_file_name("/", ""), "attachment");
        assert_eq!(clean("trailing dots... "), "trailing dots");
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.jpeg", "长".repeat(200));
        let short = clean(&long);
        assert_eq!(short.chars().count(), MAX_NAME_CHARS);
        assert!(short.ends_with("长.jpeg"));
        let no_ext = "x".repeat(300);
        assert_eq!(clean(&no_ext).chars().count(), MAX_NAME_CHARS);
    }
}
