//! A JSON tree whose object keys keep the order they were written in, for
//! readable reports (serde_json's default map sorts keys alphabetically).

use std::fmt::Write as _;

use serde_json::Value;

/// A JSON value with ordered object keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// An object, keys in insertion order.
    Object(Vec<(&'static str, Json)>),
    /// An array.
    Array(Vec<Json>),
    /// A scalar (string, number, bool, null).
    Scalar(Value),
}

impl Json {
    /// A scalar from anything serde_json can hold.
    pub fn scalar(v: impl Into<Value>) -> Json {
        Json::Scalar(v.into())
    }

    /// The same tree as a serde_json value (key order lost), for assertions.
    #[cfg(test)]
    pub fn to_value(&self) -> Value {
        match self {
            Json::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Scalar(v) => v.clone(),
        }
    }

    /// Pretty-printed text with two-space indentation.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        let pad = |n: usize| "  ".repeat(n);
        match self {
            Json::Scalar(v) => {
                let _ = write!(out, "{v}");
            }
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(fields) if fields.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    out.push_str(&pad(depth + 1));
                    item.write(out, depth + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(depth));
                out.push(']');
            }
            Json::Object(fields) => {
                out.push_str("{\n");
                for (i, (key, value)) in fields.iter().enumerate() {
                    let _ = write!(out, "{}{}: ", pad(depth + 1), Value::from(*key));
                    value.write(out, depth + 1);
                    out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(depth));
                out.push('}');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_keep_their_order_and_text_parses_back() {
        let j = Json::Object(vec![
            ("zeta", Json::scalar(1)),
            (
                "alpha",
                Json::Array(vec![Json::scalar("a\"b"), Json::scalar(Value::Null)]),
            ),
            ("empty", Json::Array(vec![])),
        ]);
        let text = j.render();
        assert!(text.find("zeta").expect("zeta") < text.find("alpha").expect("alpha"));
        let back: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(
            back,
            json!({"zeta": 1, "alpha": ["a\"b", null], "empty": []})
        );
        assert_eq!(back, j.to_value());
    }
}
