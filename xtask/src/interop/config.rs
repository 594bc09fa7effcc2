//! Scenario files (`interop/configs/*.json`) read the way the upstream Go
//! runner reads them, quirks included (docs/interop.md, "Quirks"):
//!
//! - step keys `action` and `actor` are looked up exactly (the Go runner
//!   reads them from a map), every other parameter key case-insensitively,
//!   preferring an exact match (Go's `encoding/json` struct decoding), so
//!   reinit.json's `changeCiphersuite` sets `changeCipherSuite`;
//! - each action reads the key spelling its Go struct declares, snake or
//!   camel case ([`Step::flag`] callers pass it), so `branch.json`'s
//!   `externalTree`/`forcePath` are ignored like upstream;
//! - `extension_data` is base64 (Go's JSON form of `[]byte`);
//! - a missing parameter is the zero value (0, "", false, empty list); a
//!   parameter of the wrong JSON type fails the step.

use base64::Engine as _;
use serde_json::{Map, Value};

use mls_interop::proto::Extension;

/// One scenario file: named scripts in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `(script name, steps)`.
    pub scripts: Vec<(String, Vec<Step>)>,
}

/// One step of a script.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The `action` key.
    pub action: String,
    /// The `actor` key ("" when absent).
    pub actor: String,
    /// The whole step object (parameters are read from it on demand).
    pub raw: Map<String, Value>,
}

/// Parse a scenario file.
pub fn parse_config(text: &str) -> Result<Config, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let scripts = lookup(
        value.as_object().ok_or("the file is not a JSON object")?,
        "scripts",
    )
    .and_then(Value::as_object)
    .ok_or("no `scripts` object")?;
    let mut out = Vec::new();
    for (name, steps) in scripts {
        let steps = steps
            .as_array()
            .ok_or_else(|| format!("script `{name}` is not a list of steps"))?;
        let steps = steps
            .iter()
            .enumerate()
            .map(|(i, s)| parse_step(s).map_err(|e| format!("script `{name}` step {i}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        out.push((name.clone(), steps));
    }
    Ok(Config { scripts: out })
}

fn parse_step(value: &Value) -> Result<Step, String> {
    let raw = value.as_object().ok_or("a step is not an object")?.clone();
    let action = match raw.get("action") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err("`action` is not a string".into()),
        None => return Err("incomplete step: missing action".into()),
    };
    let actor = match raw.get("actor") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err("`actor` is not a string".into()),
        None => String::new(),
    };
    Ok(Step { action, actor, raw })
}

/// Go's `encoding/json` field matching: the exact key, else the first key
/// equal ignoring case.
fn lookup<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    lookup(object, key).filter(|v| !v.is_null())
}

/// Typed parameter access on a JSON object with the Go runner's rules.
pub trait Params {
    /// The object.
    fn object(&self) -> &Map<String, Value>;

    /// An integer parameter (0 when absent).
    fn int(&self, key: &str) -> Result<i64, String> {
        match present(self.object(), key) {
            None => Ok(0),
            Some(v) => v
                .as_i64()
                .ok_or_else(|| format!("`{key}` is not an integer: {v}")),
        }
    }

    /// A string parameter ("" when absent).
    fn string(&self, key: &str) -> Result<String, String> {
        match present(self.object(), key) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v) => Err(format!("`{key}` is not a string: {v}")),
        }
    }

    /// A boolean parameter (false when absent).
    fn flag(&self, key: &str) -> Result<bool, String> {
        match present(self.object(), key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(format!("`{key}` is not a boolean: {v}")),
        }
    }

    /// A list of integers (empty when absent).
    fn ints(&self, key: &str) -> Result<Vec<i64>, String> {
        self.list(key)?
            .iter()
            .map(|v| {
                v.as_i64()
                    .ok_or_else(|| format!("`{key}` holds a non-integer: {v}"))
            })
            .collect()
    }

    /// A list of strings (empty when absent).
    fn strings(&self, key: &str) -> Result<Vec<String>, String> {
        self.list(key)?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{key}` holds a non-string: {v}"))
            })
            .collect()
    }

    /// A list of objects (empty when absent).
    fn objects(&self, key: &str) -> Result<Vec<Map<String, Value>>, String> {
        self.list(key)?
            .iter()
            .map(|v| {
                v.as_object()
                    .cloned()
                    .ok_or_else(|| format!("`{key}` holds a non-object: {v}"))
            })
            .collect()
    }

    /// An object parameter (empty when absent).
    fn sub_object(&self, key: &str) -> Result<Map<String, Value>, String> {
        match present(self.object(), key) {
            None => Ok(Map::new()),
            Some(Value::Object(o)) => Ok(o.clone()),
            Some(v) => Err(format!("`{key}` is not an object: {v}")),
        }
    }

    /// `extensions`: a list of `{extension_type, extension_data}` with the
    /// data in base64.
    fn extensions(&self, key: &str) -> Result<Vec<Extension>, String> {
        self.objects(key)?
            .iter()
            .map(|o| {
                let ty = o.int("extension_type")?;
                let extension_type =
                    u32::try_from(ty).map_err(|_| format!("extension_type {ty} out of range"))?;
                let data = o.string("extension_data")?;
                let extension_data = base64::engine::general_purpose::STANDARD
                    .decode(data.as_bytes())
                    .map_err(|e| format!("extension_data `{data}` is not base64: {e}"))?;
                Ok(Extension {
                    extension_type,
                    extension_data,
                })
            })
            .collect()
    }

    /// A list parameter (empty when absent or null).
    fn list(&self, key: &str) -> Result<Vec<Value>, String> {
        match present(self.object(), key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items.clone()),
            Some(v) => Err(format!("`{key}` is not a list: {v}")),
        }
    }
}

impl Params for Map<String, Value> {
    fn object(&self) -> &Map<String, Value> {
        self
    }
}

impl Params for Step {
    fn object(&self) -> &Map<String, Value> {
        &self.raw
    }
}

impl Step {
    /// Every actor the step names (Go `Script.Actors`): the actor, the
    /// members of `createGroup`, the joiner of `externalJoin` and
    /// `newMemberAddProposal`, the signer of `addExternalSigner`. Steps
    /// without an actor name nobody.
    pub fn actors(&self) -> Vec<String> {
        if self.actor.is_empty() {
            return Vec::new();
        }
        let mut out = vec![self.actor.clone()];
        let extra = match self.action.as_str() {
            "createGroup" => self.strings("members").unwrap_or_default(),
            "externalJoin" | "newMemberAddProposal" => {
                vec![self.string("joiner").unwrap_or_default()]
            }
            "addExternalSigner" => vec![self.string("signer").unwrap_or_default()],
            _ => Vec::new(),
        };
        out.extend(extra);
        out
    }
}

/// The actors of a script, sorted (the Go runner's order is that of a Go
/// map, i.e. random; sorting makes assignments reproducible).
pub fn script_actors(steps: &[Step]) -> Vec<String> {
    let mut set: Vec<String> = steps.iter().flat_map(Step::actors).collect();
    set.sort();
    set.dedup();
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(json: &str) -> Step {
        parse_step(&serde_json::from_str(json).unwrap()).unwrap()
    }

    #[test]
    fn keys_match_case_insensitively_preferring_exact() {
        let s = step(
            r#"{"action": "reinit", "actor": "a", "changeCiphersuite": true, "FORCEPATH": true}"#,
        );
        assert!(s.flag("changeCipherSuite").unwrap());
        assert!(s.flag("forcePath").unwrap());
        // Snake and camel case are different keys (underscore).
        assert!(!s.flag("force_path").unwrap());
        let s = step(r#"{"action": "x", "Key": 1, "key": 2}"#);
        assert_eq!(s.int("key").unwrap(), 2);
    }

    #[test]
    fn action_and_actor_are_exact() {
        assert!(parse_step(&serde_json::json!({"Action": "createGroup"})).is_err());
        let s = step(r#"{"action": "createGroup", "Actor": "alice"}"#);
        assert_eq!(s.actor, "");
        assert!(s.actors().is_empty());
    }

    #[test]
    fn missing_parameters_are_zero_and_wrong_types_fail() {
        let s = step(r#"{"action": "x", "actor": "a", "n": "1", "b": 1}"#);
        assert_eq!(s.int("missing").unwrap(), 0);
        assert_eq!(s.string("missing").unwrap(), "");
        assert!(!s.flag("missing").unwrap());
        assert!(s.ints("missing").unwrap().is_empty());
        assert!(s.int("n").is_err());
        assert!(s.flag("b").is_err());
    }

    #[test]
    fn extension_data_is_base64() {
        let s = step(
            r#"{"action": "x", "extensions": [{"extension_type": 3, "extension_data": "AAAA"},
                {"Extension_Type": 5, "extension_data": "AA=="}]}"#,
        );
        let e = s.extensions("extensions").unwrap();
        assert_eq!(e[0].extension_type, 3);
        assert_eq!(e[0].extension_data, vec![0, 0, 0]);
        assert_eq!(e[1].extension_type, 5);
        assert_eq!(e[1].extension_data, vec![0]);
        let bad = step(
            r#"{"action": "x", "extensions": [{"extension_type": 3, "extension_data": "!"}]}"#,
        );
        assert!(bad.extensions("extensions").is_err());
    }

    #[test]
    fn actors_of_a_script() {
        let c = parse_config(
            r#"{"scripts": {"s": [
                {"action": "createGroup", "actor": "alice", "members": ["bob"]},
                {"action": "externalJoin", "actor": "alice", "joiner": "carol"},
                {"action": "addExternalSigner", "actor": "alice", "signer": "ds"},
                {"action": "installExternalPSK", "clients": ["zed"]}
            ]}}"#,
        )
        .unwrap();
        assert_eq!(
            script_actors(&c.scripts[0].1),
            vec!["alice", "bob", "carol", "ds"]
        );
    }
}
