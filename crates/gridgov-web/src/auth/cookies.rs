//! Reading and writing the few cookies gridgov sets, without a cookie crate.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

use crate::i18n::Lang;

/// The session token.
pub const SESSION: &str = "gg_session";
/// A random value tying the login form to the browser that loaded it (login CSRF).
pub const PRE_LOGIN: &str = "gg_pre";

/// The value of a cookie by name.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    Lang::from_cookie(get(headers, Lang::COOKIE))
}

/// A `Set-Cookie` value. Session cookies are HttpOnly and SameSite=Lax; `secure` adds Secure.
pub fn set(
    name: &str,
    value: &str,
    max_age_secs: Option<i64>,
    http_only: bool,
    secure: bool,
) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", Some(0), true, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, "a=1; gg_session=abc; gg_lang=en".parse().unwrap());
        assert_eq!(get(&h, SESSION), Some("abc"));
        assert_eq!(lang_of(&h), Lang::En);
        assert_eq!(get(&h, "zz"), None);
    }

    #[test]
    fn session_cookies_are_http_only() {
        let c = set(SESSION, "x", None, true, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
    }
}
