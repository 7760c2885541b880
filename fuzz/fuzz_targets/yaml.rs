//! The YAML source parser (span-carrying tree, depth and alias limits) on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalelint::sources::{decode, yaml};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = decode(0, data.to_vec()) {
        let parsed = yaml::parse(&text, yaml::Limits::default());
        let _ = yaml::comments(&text, &parsed);
    }
});
