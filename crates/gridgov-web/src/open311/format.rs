//! The two formats of GeoReport v2, chosen by the resource's suffix (`services.json`,
//! `services.xml`), and one document tree written as either: JSON arrays and objects, or
//! schemaless XML with the spec's element names, UTF-8, `text/xml`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// Splits `name.format`; `None` when the suffix is missing or not one of the two.
pub fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    let format = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    (!name.is_empty()).then_some((name, format))
}

/// A node of an answer.
pub enum Node {
    Obj(Vec<(&'static str, Node)>),
    /// A list: a JSON array, or in XML one `item` element per entry.
    List(&'static str, Vec<Node>),
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
}

impl Node {
    pub fn text(s: impl Into<String>) -> Node {
        Node::Text(s.into())
    }

    /// Text, or null when empty (the spec's optional fields).
    pub fn opt(s: &str) -> Node {
        if s.is_empty() {
            Node::Null
        } else {
            Node::Text(s.to_owned())
        }
    }

    fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Obj(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.json()))
                    .collect(),
            ),
            Node::List(_, items) => Value::Array(items.iter().map(Node::json).collect()),
            Node::Text(s) => Value::String(s.clone()),
            Node::Int(i) => Value::from(*i),
            Node::Float(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Node::Bool(b) => Value::Bool(*b),
            Node::Null => Value::Null,
        }
    }

    /// The node's content as XML (its children, or its text).
    fn xml(&self, out: &mut String) {
        match self {
            Node::Obj(fields) => {
                for (k, v) in fields {
                    element(out, k, v);
                }
            }
            Node::List(item, items) => {
                for v in items {
                    element(out, item, v);
                }
            }
            Node::Text(s) => escape(out, s),
            Node::Int(i) => out.push_str(&i.to_string()),
            Node::Float(f) => out.push_str(&f.to_string()),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Null => {}
        }
    }
}

fn element(out: &mut String, name: &str, v: &Node) {
    if matches!(v, Node::Null) {
        out.push('<');
        out.push_str(name);
        out.push_str("/>");
        return;
    }
    out.push('<');
    out.push_str(name);
    out.push('>');
    v.xml(out);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

/// A whole answer: its status, its XML root element and its tree.
pub struct Answer {
    pub status: StatusCode,
    pub root: &'static str,
    pub body: Node,
    pub format: Format,
    pub retry_after: Option<i64>,
}

impl Answer {
    pub fn ok(format: Format, root: &'static str, body: Node) -> Answer {
        Answer {
            status: StatusCode::OK,
            root,
            body,
            format,
            retry_after: None,
        }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let (ct, text) = match self.format {
            Format::Json => (
                "application/json; charset=utf-8",
                self.body.json().to_string(),
            ),
            Format::Xml => {
                let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
                element(&mut out, self.root, &self.body);
                ("text/xml; charset=utf-8", out)
            }
        };
        let mut res = (self.status, text).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_choose_the_format() {
        assert_eq!(split("services.json"), Some(("services", Format::Json)));
        assert_eq!(split("SJ-1.2.xml"), Some(("SJ-1.2", Format::Xml)));
        assert_eq!(split("services"), None);
        assert_eq!(split("services.html"), None);
        assert_eq!(split(".json"), None);
    }

    #[test]
    fn one_tree_is_written_as_json_and_as_xml() {
        let tree = || {
            Node::List(
                "error",
                vec![Node::Obj(vec![
                    ("code", Node::Int(403)),
                    ("description", Node::text("bad <key> & \"so\"")),
                    ("none", Node::Null),
                ])],
            )
        };
        assert_eq!(
            tree().json().to_string(),
            r#"[{"code":403,"description":"bad <key> & \"so\"","none":null}]"#
        );
        let mut x = String::new();
        element(&mut x, "errors", &tree());
        assert_eq!(
            x,
            "<errors><error><code>403</code><description>bad &lt;key&gt; &amp; \
             &quot;so&quot;</description><none/></error></errors>"
        );
    }
}
