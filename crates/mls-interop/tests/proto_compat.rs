//! The hand-written messages and RPC table against the official
//! `mls_client.proto` (the copy vendored in this repository's `interop/`, or
//! the file named by `MLS_INTEROP_PROTO`): same message names, field names, numbers,
//! labels and types, same RPCs; and a sample of every message built from the
//! .proto text survives decode + encode with our structs byte for byte (so
//! the prost attributes agree with the wire format).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use mls_interop::proto::SCHEMA;
use mls_interop::schema::Label;

#[derive(Debug, Clone, PartialEq)]
struct Field {
    repeated: bool,
    ty: String,
    name: String,
    number: u32,
}

#[derive(Debug, Default)]
struct ProtoFile {
    messages: BTreeMap<String, Vec<Field>>,
    order: Vec<String>,
    rpcs: Vec<(String, String, String)>,
}

fn proto_path() -> PathBuf {
    if let Ok(p) = std::env::var("MLS_INTEROP_PROTO") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../interop/mls_client.proto")
}

fn load() -> ProtoFile {
    let path = proto_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()));
    parse(&text)
}

/// A deliberately simple parser for this one file: no nesting, no options
/// inside messages, one field per line.
fn parse(text: &str) -> ProtoFile {
    let mut out = ProtoFile::default();
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or("").trim())
        .collect();
    let mut current: Option<String> = None;
    for line in lines {
        if let Some(rest) = line.strip_prefix("message ") {
            let name = rest
                .split(|c: char| c == '{' || c.is_whitespace())
                .next()
                .unwrap()
                .to_string();
            out.order.push(name.clone());
            out.messages.insert(name.clone(), Vec::new());
            if !line.ends_with('}') {
                current = Some(name);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("rpc ") {
            // rpc Name(NameRequest) returns (NameResponse) {}
            let words: Vec<&str> = rest
                .split(|c: char| c == '(' || c == ')' || c.is_whitespace())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(words[2], "returns", "rpc line: {line}");
            out.rpcs
                .push((words[0].into(), words[1].into(), words[3].into()));
            continue;
        }
        if line.starts_with('}') {
            current = None;
            continue;
        }
        let Some(msg) = &current else { continue };
        if line.is_empty() {
            continue;
        }
        let decl = line.trim_end_matches(';');
        let (lhs, number) = decl.split_once('=').expect("field line has `=`");
        let mut words: Vec<&str> = lhs.split_whitespace().collect();
        let repeated = words.first() == Some(&"repeated");
        if repeated {
            words.remove(0);
        }
        assert_eq!(words.len(), 2, "field line: {line}");
        out.messages.get_mut(msg).unwrap().push(Field {
            repeated,
            ty: words[0].into(),
            name: words[1].into(),
            number: number.trim().parse().expect("field number"),
        });
    }
    out
}

#[test]
fn message_names_fields_numbers_and_types_match() {
    let proto = load();
    let ours: Vec<&str> = SCHEMA.iter().map(|m| m.name).collect();
    assert_eq!(ours, proto.order, "message names and order");
    for m in SCHEMA {
        let theirs = &proto.messages[m.name];
        let ours: Vec<Field> = m
            .fields
            .iter()
            .map(|f| Field {
                repeated: f.label == Label::Repeated,
                ty: f.ty.into(),
                name: f.name.into(),
                number: f.number,
            })
            .collect();
        assert_eq!(&ours, theirs, "fields of {}", m.name);
    }
}

#[test]
fn rpc_table_matches_the_service() {
    let proto = load();
    let ours: Vec<(String, String, String)> = mls_interop::RPCS
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(ours, proto.rpcs);
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn key(number: u32, wire: u64, out: &mut Vec<u8>) {
    varint((u64::from(number) << 3) | wire, out);
}

fn len_delimited(number: u32, body: &[u8], out: &mut Vec<u8>) {
    key(number, 2, out);
    varint(body.len() as u64, out);
    out.extend_from_slice(body);
}

/// A sample encoding of `message` with every field set to a non-default
/// value (two elements for repeated fields), built from the .proto alone.
fn sample(proto: &ProtoFile, message: &str, depth: usize) -> Vec<u8> {
    assert!(depth < 4, "message nesting too deep at {message}");
    let mut out = Vec::new();
    for f in &proto.messages[message] {
        let count = if f.repeated { 2 } else { 1 };
        let n = u64::from(f.number);
        match f.ty.as_str() {
            "uint32" | "uint64" | "bool" => {
                let values: Vec<u64> = (0..count)
                    .map(|i| match f.ty.as_str() {
                        "bool" => 1,
                        "uint32" => 300 + n + i,
                        _ => (1 << 40) + n + i,
                    })
                    .collect();
                if f.repeated {
                    // proto3 packs repeated scalars.
                    let mut body = Vec::new();
                    for v in values {
                        varint(v, &mut body);
                    }
                    len_delimited(f.number, &body, &mut out);
                } else {
                    key(f.number, 0, &mut out);
                    varint(values[0], &mut out);
                }
            }
            "bytes" | "string" => {
                for i in 0..count {
                    let body = format!("{}-{}-{i}", f.name, f.number);
                    len_delimited(f.number, body.as_bytes(), &mut out);
                }
            }
            other => {
                for _ in 0..count {
                    let body = sample(proto, other, depth + 1);
                    len_delimited(f.number, &body, &mut out);
                }
            }
        }
    }
    out
}

#[test]
fn every_message_round_trips_a_sample_built_from_the_proto() {
    let proto = load();
    for m in SCHEMA {
        let bytes = sample(&proto, m.name, 0);
        let again = (m.reencode)(&bytes)
            .unwrap_or_else(|e| panic!("{} does not decode its sample: {e}", m.name));
        assert_eq!(
            again, bytes,
            "{} loses or changes fields on the wire",
            m.name
        );
    }
}

#[test]
fn parser_reads_a_small_file() {
    let p = parse(
        "service S {\n  rpc A(B) returns (C) {}\n}\nmessage B {}\nmessage C {\n  repeated uint32 x = 1; // c\n  D y = 2;\n}\n",
    );
    assert_eq!(p.order, vec!["B", "C"]);
    assert_eq!(p.rpcs, vec![("A".into(), "B".into(), "C".into())]);
    assert_eq!(p.messages["C"].len(), 2);
    assert!(p.messages["C"][0].repeated);
    assert_eq!(p.messages["C"][1].ty, "D");
}
