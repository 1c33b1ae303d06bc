//! Where the browser may be sent after logging in or switching the language: a page of this
//! site only. The address is judged as a browser would read it, by the WHATWG URL parser, because
//! a browser strips tabs and newlines and reads a backslash as a slash, so `/\t/evil.example` or
//! `/\evil.example` would otherwise leave the site.

use url::Url;

/// A stand-in for this site: its host cannot exist (`.invalid` is reserved), so an address that
/// still names it after parsing names no other host.
const ORIGIN: &str = "http://origin.invalid/";

/// The path and query to redirect to: `next` when it is a page of this site, home otherwise.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(local_target)
        .unwrap_or_else(|| "/".to_owned())
}

/// `raw` as a path and query of this site, re-serialised by the parser (so percent-encoded and
/// plain ASCII, safe for a `Location` header), or None when it would lead elsewhere.
fn local_target(raw: &str) -> Option<String> {
    // Only absolute paths: nothing of ours sends anything else, and a scheme or a relative form
    // is one more way to be surprised.
    if !raw.starts_with('/') {
        return None;
    }
    // Control characters are what the parser silently drops (tab, CR, LF) or what a header cannot
    // carry; a real link never holds one.
    if raw.chars().any(char::is_control) {
        return None;
    }
    let base = Url::parse(ORIGIN).ok()?;
    let url = base.join(raw).ok()?;
    if !same_origin(&url, &base) {
        return None;
    }
    let mut target = url.path().to_owned();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    // The parser's dot-segment removal turns `/.//evil` into the path `//evil`, which a browser
    // reads back as the host `evil`: check that what we send still names this site.
    let again = base.join(&target).ok()?;
    (same_origin(&again, &base) && again.path() == url.path() && !target.starts_with("//"))
        .then_some(target)
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
        && a.username().is_empty()
        && a.password().is_none()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn pages_of_this_site_are_followed() {
        for (given, sent) in [
            ("/", "/"),
            ("/regions/420202", "/regions/420202"),
            ("/grids?q=1&page=2", "/grids?q=1&page=2"),
            ("/a/../b", "/b"),
            ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
            ("/ /evil.example", "/%20/evil.example"),
            ("/人口", "/%E4%BA%BA%E5%8F%A3"),
            ("/x#frag", "/x"),
        ] {
            assert_eq!(safe_next(Some(given)), sent, "{given:?}");
        }
    }

    #[test]
    fn anything_that_leaves_the_site_goes_home() {
        for hostile in [
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\\t\\evil.example",
            "%2F%2Fevil.example",
            "%2f%5cevil.example",
            "https:evil.example",
            "http:evil.example",
            "https://evil.example",
            "http://origin.invalid@evil.example/",
            "javascript:alert(1)",
            "evil.example",
            " //evil.example",
            "\t//evil.example",
            "/.//evil.example",
            "/./\\evil.example",
            "/a/..//evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{85}/evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
