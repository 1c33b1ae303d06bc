//! A tiny HTTP/1.1 client over one keep-alive TCP connection, so the benchmarks measure the
//! server and not a client library: GET only, Content-Length or chunked bodies.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header of this name (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `dur` of one metric of the `Server-Timing` header, in milliseconds.
    pub fn server_timing_ms(&self, metric: &str) -> Option<f64> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("server-timing"))
            .flat_map(|(_, v)| v.split(','))
            .find_map(|entry| {
                let mut parts = entry.split(';').map(str::trim);
                if parts.next()? != metric {
                    return None;
                }
                parts.find_map(|p| p.strip_prefix("dur=")?.trim().parse().ok())
            })
    }
}

/// One connection, reused for request after request.
pub struct HttpConn {
    stream: BufReader<TcpStream>,
    host: String,
}

impl HttpConn {
    pub async fn connect(addr: std::net::SocketAddr) -> io::Result<HttpConn> {
        let tcp = TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        Ok(HttpConn {
            stream: BufReader::new(tcp),
            host: addr.to_string(),
        })
    }

    pub async fn get(&mut self, path: &str, headers: &[(&str, &str)]) -> io::Result<Response> {
        let req = request_bytes(&self.host, path, headers);
        self.stream.get_mut().write_all(&req).await?;
        read_response(&mut self.stream).await
    }

    /// A POST of a JSON body, in one write.
    pub async fn post_json(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> io::Result<Response> {
        self.post(path, headers, "application/json", body).await
    }

    /// A POST of a form-encoded body, in one write.
    pub async fn post_form(&mut self, path: &str, body: &str) -> io::Result<Response> {
        self.post(path, &[], "application/x-www-form-urlencoded", body)
            .await
    }

    async fn post(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        content_type: &str,
        body: &str,
    ) -> io::Result<Response> {
        let mut s = format!("POST {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        for (n, v) in headers {
            s.push_str(&format!("{n}: {v}\r\n"));
        }
        s.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
        self.stream.get_mut().write_all(s.as_bytes()).await?;
        read_response(&mut self.stream).await
    }
}

pub fn request_bytes(host: &str, path: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut s = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n");
    for (n, v) in headers {
        s.push_str(&format!("{n}: {v}\r\n"));
    }
    s.push_str("\r\n");
    s.into_bytes()
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Longest status or header line accepted, so a confused server cannot make us buffer forever.
const MAX_LINE: usize = 16 * 1024;

async fn read_line<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<String> {
    let mut buf = Vec::new();
    let n = (&mut *r)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut buf)
        .await?;
    if n == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed",
        ));
    }
    if buf.last() != Some(&b'\n') {
        return Err(bad("header line too long or cut off"));
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    String::from_utf8(buf).map_err(|_| bad("header line is not UTF-8"))
}

pub async fn read_response<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Response> {
    let (status, headers) = loop {
        let line = read_line(r).await?;
        let mut parts = line.splitn(3, ' ');
        let version = parts.next().unwrap_or("");
        if !version.starts_with("HTTP/1.") {
            return Err(bad(format!("not an HTTP/1 status line: {line:?}")));
        }
        let status: u16 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(format!("bad status line: {line:?}")))?;
        let mut headers = Vec::new();
        loop {
            let h = read_line(r).await?;
            if h.is_empty() {
                break;
            }
            let (n, v) = h
                .split_once(':')
                .ok_or_else(|| bad(format!("bad header line: {h:?}")))?;
            headers.push((n.trim().to_owned(), v.trim().to_owned()));
        }
        // 1xx answers come before the real one.
        if !(100..200).contains(&status) {
            break (status, headers);
        }
    };
    let mut resp = Response {
        status,
        headers,
        body: Vec::new(),
    };
    let chunked = resp
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        resp.body = read_chunked(r).await?;
    } else if let Some(len) = resp.header("content-length") {
        let len: usize = len.parse().map_err(|_| bad("bad Content-Length"))?;
        resp.body = vec![0; len];
        r.read_exact(&mut resp.body).await?;
    } else if !(status == 204 || status == 304) {
        r.read_to_end(&mut resp.body).await?;
    }
    Ok(resp)
}

async fn read_chunked<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = read_line(r).await?;
        let size_hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| bad("bad chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(r).await?.is_empty() {}
            return Ok(body);
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..]).await?;
        if !read_line(r).await?.is_empty() {
            return Err(bad("chunk not followed by CRLF"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse(raw: &[u8]) -> io::Result<Response> {
        let mut r = raw;
        read_response(&mut r).await
    }

    #[tokio::test]
    async fn reads_a_content_length_body_and_leaves_the_next_response() {
        let raw = b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nContent-Length: 5\r\n\
                    Server-Timing: app;dur=1.25\r\n\r\nhelloHTTP/1.1 404 Not Found\r\n\
                    content-length: 0\r\n\r\n";
        let mut r = &raw[..];
        let first = read_response(&mut r).await.unwrap();
        assert_eq!(first.status, 200);
        assert_eq!(first.body, b"hello");
        assert_eq!(first.header("CONTENT-TYPE"), Some("text/html"));
        assert_eq!(first.server_timing_ms("app"), Some(1.25));
        let second = read_response(&mut r).await.unwrap();
        assert_eq!(second.status, 404);
        assert!(second.body.is_empty());
    }

    #[tokio::test]
    async fn reads_chunked_bodies_and_skips_informational_answers() {
        let raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\
                    Transfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n";
        let resp = parse(raw).await.unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body, b"Wikipedia");
    }

    #[tokio::test]
    async fn rejects_garbage_and_cut_off_bodies() {
        assert!(parse(b"SSH-2.0-OpenSSH\r\n\r\n").await.is_err());
        assert!(parse(b"HTTP/1.1 abc OK\r\n\r\n").await.is_err());
        assert!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
                .await
                .is_err()
        );
        assert!(parse(b"").await.is_err());
    }

    #[test]
    fn server_timing_picks_the_named_metric() {
        let resp = Response {
            status: 200,
            headers: vec![(
                "server-timing".into(),
                "db;dur=3, app;desc=\"x\";dur=7.5".into(),
            )],
            body: Vec::new(),
        };
        assert_eq!(resp.server_timing_ms("app"), Some(7.5));
        assert_eq!(resp.server_timing_ms("db"), Some(3.0));
        assert_eq!(resp.server_timing_ms("cache"), None);
    }

    #[test]
    fn requests_carry_host_and_extra_headers() {
        let req = request_bytes("127.0.0.1:80", "/regions", &[("Authorization", "Bearer t")]);
        assert_eq!(
            String::from_utf8(req).unwrap(),
            "GET /regions HTTP/1.1\r\nHost: 127.0.0.1:80\r\nAuthorization: Bearer t\r\n\r\n"
        );
    }
}
