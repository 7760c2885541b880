//! The properties parser on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalelint::sources::{decode, properties};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = decode(0, data.to_vec()) {
        let _ = properties::parse(&text);
    }
});
