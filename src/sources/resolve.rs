//! Scalar resolution as Kubernetes reads YAML: sigs.k8s.io/yaml on go-yaml v2, i.e. YAML 1.1
//! (`yes`/`on` are booleans, `0777` is octal, `1_000` is an integer). Only plain (unquoted,
//! untagged) scalars are resolved; quoted ones are always strings.
//!
//! `build.rs` compiles this file too (to read the rule metadata into JSON as the run time
//! reads it): it may use only `std` and `crate::model::Resolved`.

use crate::model::Resolved;

/// Resolve a plain scalar the way go-yaml v2's `resolve` does.
pub fn resolve_plain(s: &str) -> Resolved {
    // No word below is longer than 5 bytes: most scalars (keys, names) skip the comparisons.
    if s.len() <= 5 {
        match s {
            "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
            "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
                return Resolved::Bool(true);
            }
            "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off"
            | "OFF" => {
                return Resolved::Bool(false);
            }
            ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
                return Resolved::Float(f64::INFINITY);
            }
            "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
            _ => {}
        }
    }
    match s.as_bytes().first() {
        // go-yaml tries Go's ParseFloat on anything starting with '.'.
        Some(b'.') => {
            if is_yaml_float(s)
                && let Ok(f) = s.parse::<f64>()
            {
                return Resolved::Float(f);
            }
            Resolved::Str
        }
        Some(b'0'..=b'9' | b'-' | b'+') => resolve_number(s),
        _ => Resolved::Str,
    }
}

/// Resolve a scalar carrying an explicit core-schema tag (`!!str 10`, `!!int "10"`).
pub fn resolve_tagged(tag: &str, s: &str) -> Resolved {
    match tag {
        "str" | "binary" | "timestamp" => Resolved::Str,
        "null" => Resolved::Null,
        "bool" | "int" | "float" => match resolve_plain(s) {
            // A value the tag cannot hold stays a string (the API server would reject it).
            r @ (Resolved::Bool(_) | Resolved::Int(_) | Resolved::Float(_)) => match (tag, r) {
                ("float", Resolved::Int(i)) => Resolved::Float(i as f64),
                _ => r,
            },
            _ => Resolved::Str,
        },
        _ => resolve_plain(s),
    }
}

fn resolve_number(s: &str) -> Resolved {
    // Copied only to drop underscores (most numbers have none).
    let plain: std::borrow::Cow<'_, str> = if s.contains('_') {
        s.chars().filter(|&c| c != '_').collect::<String>().into()
    } else {
        s.into()
    };
    if let Some(i) = go_parse_int(&plain) {
        return match i64::try_from(i) {
            Ok(v) => Resolved::Int(v),
            // Beyond i64 (go-yaml's uint64 range): keep the magnitude.
            Err(_) => Resolved::Float(i as f64),
        };
    }
    if is_yaml_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return Resolved::Float(f);
    }
    Resolved::Str
}

/// Go's `strconv.ParseInt(s, 0, 64)` (and `ParseUint` for the positive range above it):
/// optional sign, then `0x`, `0o`, `0b` or a leading `0` (octal) prefix, else decimal.
fn go_parse_int(s: &str) -> Option<i128> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = rest.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &rest[2..]),
        Some("0o") => (8, &rest[2..]),
        Some("0b") => (2, &rest[2..]),
        _ if rest.len() > 1 && rest.starts_with('0') => (8, &rest[1..]),
        _ => (10, rest),
    };
    if digits.is_empty() || digits.len() > 70 {
        return None;
    }
    let mut v: i128 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)? as i128;
        v = v.checked_mul(radix as i128)?.checked_add(d)?;
    }
    let v = if neg { -v } else { v };
    // int64 for signed values; uint64 only for unsigned text.
    let fits = if neg || s.starts_with('+') {
        v >= i64::MIN as i128 && v <= i64::MAX as i128
    } else {
        v <= u64::MAX as i128
    };
    fits.then_some(v)
}

/// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Resolved::*;

    #[test]
    fn kubernetes_yaml_1_1_table() {
        let cases: &[(&str, Resolved)] = &[
            ("", Null),
            ("~", Null),
            ("null", Null),
            ("NULL", Null),
            ("yes", Bool(true)),
            ("Yes", Bool(true)),
            ("on", Bool(true)),
            ("ON", Bool(true)),
            ("y", Bool(true)),
            ("true", Bool(true)),
            ("no", Bool(false)),
            ("off", Bool(false)),
            ("n", Bool(false)),
            ("False", Bool(false)),
            // The longest words, at the length the comparisons stop at.
            ("FALSE", Bool(false)),
            ("+.INF", Float(f64::INFINITY)),
            ("-.Inf", Float(f64::NEG_INFINITY)),
            ("falsey", Str),
            ("1_000_000", Int(1_000_000)),
            ("0", Int(0)),
            ("10", Int(10)),
            ("-3", Int(-3)),
            ("+7", Int(7)),
            ("0777", Int(511)),
            ("0o17", Int(15)),
            ("0x1F", Int(31)),
            ("0b101", Int(5)),
            ("1_000", Int(1000)),
            ("1.5", Float(1.5)),
            ("1e3", Float(1000.0)),
            ("1.", Float(1.0)),
            (".5", Float(0.5)),
            ("08", Float(8.0)),
            ("-.inf", Float(f64::NEG_INFINITY)),
            ("25%", Str),
            ("500m", Str),
            ("1Gi", Str),
            ("2001-12-14", Str),
            ("1.2.3", Str),
            ("yess", Str),
            ("TRUE", Bool(true)),
            ("tRUE", Str),
            ("0x", Str),
            ("-", Str),
            ("9223372036854775807", Int(i64::MAX)),
            ("18446744073709551615", Float(18446744073709551615.0)),
            ("99999999999999999999", Float(99999999999999999999.0)),
        ];
        for (text, want) in cases {
            let got = resolve_plain(text);
            assert_eq!(got, *want, "resolving {text:?}");
        }
        assert!(matches!(resolve_plain(".nan"), Float(f) if f.is_nan()));
    }

    #[test]
    fn explicit_tags() {
        assert_eq!(resolve_tagged("str", "10"), Str);
        assert_eq!(resolve_tagged("int", "10"), Int(10));
        assert_eq!(resolve_tagged("float", "10"), Float(10.0));
        assert_eq!(resolve_tagged("bool", "yes"), Bool(true));
        assert_eq!(resolve_tagged("int", "ten"), Str);
    }
}
