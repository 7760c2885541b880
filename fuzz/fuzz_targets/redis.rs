//! The redis parser on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalelint::sources::{decode, redis};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = decode(0, data.to_vec()) {
        let _ = redis::parse(&text);
    }
});
