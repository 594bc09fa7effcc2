//! A small Rust tokenizer: just enough to find module declarations, `use`
//! trees, item names and `a::b::c` paths. Comments, string, character and
//! number literals are dropped (a string literal is kept only as its text, for
//! `#[path = "..."]` and `include!("...")`), lifetimes are dropped, and `::`
//! is one token. It never fails: anything it does not understand becomes a
//! punctuation token, which at worst hides a path from the cycle check.

/// One token and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: Tok,
    /// Its line in the source file.
    pub line: u32,
}

/// The kinds of tokens the module scanner distinguishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// An identifier or keyword (`r#x` is `x`).
    Ident(String),
    /// `::`.
    PathSep,
    /// A string literal's raw text (escapes not processed).
    Str(String),
    /// Any other literal (number, character, byte).
    Lit,
    /// `(`, `[` or `{`.
    Open(char),
    /// `)`, `]` or `}`.
    Close(char),
    /// Any other punctuation character.
    Punct(char),
}

/// Tokenize Rust source text.
pub fn tokenize(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    while i < chars.len() {
        let c = chars[i];
        let start_line = line;
        let push = |out: &mut Vec<Token>, kind| {
            out.push(Token {
                kind,
                line: start_line,
            })
        };
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                // Block comments nest in Rust.
                let mut depth = 0usize;
                while i < chars.len() {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if chars[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            '"' => {
                let (text, next, lines) = quoted(&chars, i + 1);
                push(&mut out, Tok::Str(text));
                line += lines;
                i = next;
            }
            '\'' => {
                // A character literal ('a', '\n', '\u{1F600}') or a lifetime ('a).
                if chars.get(i + 1) == Some(&'\\') {
                    // Skip the escaped character itself: it may be a quote.
                    let mut j = i + 3;
                    while j < chars.len() && chars[j] != '\'' && chars[j] != '\n' {
                        j += 1;
                    }
                    push(&mut out, Tok::Lit);
                    i = j + 1;
                } else if chars.get(i + 2) == Some(&'\'') {
                    push(&mut out, Tok::Lit);
                    i += 3;
                } else {
                    i += 1;
                    while i < chars.len() && is_ident_char(chars[i]) {
                        i += 1;
                    }
                }
            }
            ':' if chars.get(i + 1) == Some(&':') => {
                push(&mut out, Tok::PathSep);
                i += 2;
            }
            '(' | '[' | '{' => {
                push(&mut out, Tok::Open(c));
                i += 1;
            }
            ')' | ']' | '}' => {
                push(&mut out, Tok::Close(c));
                i += 1;
            }
            c if c.is_ascii_digit() => {
                while i < chars.len() && (is_ident_char(chars[i]) || chars[i] == '.') {
                    // `1..2` is a range, not a number with two dots.
                    if chars[i] == '.' && chars.get(i + 1) == Some(&'.') {
                        break;
                    }
                    i += 1;
                }
                push(&mut out, Tok::Lit);
            }
            c if is_ident_start(c) => {
                let mut j = i;
                while j < chars.len() && is_ident_char(chars[j]) {
                    j += 1;
                }
                let word: String = chars[i..j].iter().collect();
                match (word.as_str(), chars.get(j)) {
                    // Raw strings r"..", r#".."#, br"..", and byte strings b"..".
                    ("r" | "br", Some('"' | '#')) if raw_string_start(&chars, j) => {
                        let (text, next, lines) = raw_string(&chars, j);
                        push(&mut out, Tok::Str(text));
                        line += lines;
                        i = next;
                    }
                    ("b" | "c", Some('"')) => {
                        let (text, next, lines) = quoted(&chars, j + 1);
                        push(&mut out, Tok::Str(text));
                        line += lines;
                        i = next;
                    }
                    ("b", Some('\'')) => {
                        let mut k = j + 1;
                        if chars.get(k) == Some(&'\\') {
                            k += 1;
                        }
                        k += 1;
                        while k < chars.len() && chars[k] != '\'' {
                            k += 1;
                        }
                        push(&mut out, Tok::Lit);
                        i = k + 1;
                    }
                    ("r", Some('#')) if chars.get(j + 1).is_some_and(|&c| is_ident_start(c)) => {
                        // A raw identifier r#name.
                        let mut k = j + 1;
                        while k < chars.len() && is_ident_char(chars[k]) {
                            k += 1;
                        }
                        push(&mut out, Tok::Ident(chars[j + 1..k].iter().collect()));
                        i = k;
                    }
                    _ => {
                        push(&mut out, Tok::Ident(word));
                        i = j;
                    }
                }
            }
            c => {
                push(&mut out, Tok::Punct(c));
                i += 1;
            }
        }
    }
    out
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The text of a `"`-quoted literal whose body starts at `i`: (text, index
/// after the closing quote, newlines inside).
fn quoted(chars: &[char], mut i: usize) -> (String, usize, u32) {
    let mut text = String::new();
    let mut lines = 0;
    while i < chars.len() && chars[i] != '"' {
        if chars[i] == '\\' && i + 1 < chars.len() {
            text.push(chars[i]);
            i += 1;
        }
        if chars[i] == '\n' {
            lines += 1;
        }
        text.push(chars[i]);
        i += 1;
    }
    (text, i + 1, lines)
}

fn raw_string_start(chars: &[char], mut i: usize) -> bool {
    while chars.get(i) == Some(&'#') {
        i += 1;
    }
    chars.get(i) == Some(&'"')
}

/// A raw string whose `#`s (or opening quote) start at `i`.
fn raw_string(chars: &[char], mut i: usize) -> (String, usize, u32) {
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    i += 1; // the opening quote
    let mut text = String::new();
    let mut lines = 0;
    while i < chars.len() {
        if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
            return (text, i + 1 + hashes, lines);
        }
        if chars[i] == '\n' {
            lines += 1;
        }
        text.push(chars[i]);
        i += 1;
    }
    (text, i, lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        tokenize(src).into_iter().map(|t| t.kind).collect()
    }

    fn id(s: &str) -> Tok {
        Tok::Ident(s.into())
    }

    #[test]
    fn paths_comments_and_literals() {
        assert_eq!(
            kinds("use crate::a::{b, c}; // crate::x\n/* crate::y /* nested */ */"),
            vec![
                id("use"),
                id("crate"),
                Tok::PathSep,
                id("a"),
                Tok::PathSep,
                Tok::Open('{'),
                id("b"),
                Tok::Punct(','),
                id("c"),
                Tok::Close('}'),
                Tok::Punct(';'),
            ]
        );
        assert_eq!(
            kinds(r##"f("crate::a", r#"super::b"#, b"x", 'c', '\'', b'\\', 1.5, 0..2)"##),
            vec![
                id("f"),
                Tok::Open('('),
                Tok::Str("crate::a".into()),
                Tok::Punct(','),
                Tok::Str("super::b".into()),
                Tok::Punct(','),
                Tok::Str("x".into()),
                Tok::Punct(','),
                Tok::Lit,
                Tok::Punct(','),
                Tok::Lit,
                Tok::Punct(','),
                Tok::Lit,
                Tok::Punct(','),
                Tok::Lit,
                Tok::Punct(','),
                Tok::Lit,
                Tok::Punct('.'),
                Tok::Punct('.'),
                Tok::Lit,
                Tok::Close(')'),
            ]
        );
    }

    #[test]
    fn lifetimes_raw_identifiers_and_lines() {
        assert_eq!(
            kinds("fn f<'a>(x: &'a r#type)"),
            vec![
                id("fn"),
                id("f"),
                Tok::Punct('<'),
                Tok::Punct('>'),
                Tok::Open('('),
                id("x"),
                Tok::Punct(':'),
                Tok::Punct('&'),
                id("type"),
                Tok::Close(')'),
            ]
        );
        let toks = tokenize("a\n\"x\ny\"\n/*\n*/ b");
        assert_eq!(toks.last().map(|t| t.line), Some(5));
    }
}
