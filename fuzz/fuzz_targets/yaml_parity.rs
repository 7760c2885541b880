//! Our YAML reader against libyaml (`unsafe-libyaml` and the composer of the parity tests):
//! the same accept/reject, the same trees and span starts, and no panic of the reader.
//!
//! `YAML_PARITY_SKIP_OPEN_BUGS=1` skips inputs showing a bug already listed in
//! `tests/library/yaml_parity.rs`'s `OPEN_BUGS` (by its symptom), so a run finds new ones.
#![no_main]

#[path = "../../tests/common/libyaml_oracle.rs"]
mod oracle;

use libfuzzer_sys::fuzz_target;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// The symptoms of `OPEN_BUGS` (panic messages of libyaml-safer, and disagreements).
const OPEN_BUG_SYMPTOMS: &[&str] = &[
    "unexpected end of input",
    "TODO: What is expected here?",
    "called `Option::unwrap()` on a `None` value",
    "invalid byte order marker",
    "value contains itself",
];

fn skip_open_bugs() -> bool {
    std::env::var("YAML_PARITY_SKIP_OPEN_BUGS").is_ok_and(|v| v == "1")
}

fn open_bug(message: &str) -> bool {
    OPEN_BUG_SYMPTOMS.iter().any(|s| message.contains(s))
}

/// Inputs of an open bug known by its shape rather than a message: a text starting with two
/// byte order marks (spans 3 bytes short).
fn open_bug_shape(text: &str) -> bool {
    text.starts_with("\u{feff}\u{feff}")
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    // scalelint reads only UTF-8 (anything else is an io-error before the YAML reader).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if !skip_open_bugs() {
        if let Err(why) = oracle::compare(text) {
            panic!("scalelint and libyaml disagree on {text:?}: {why}");
        }
        return;
    }
    if open_bug_shape(text) {
        return;
    }
    // libfuzzer-sys's panic hook aborts at once; let the known panics unwind to here.
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let abort_on_panic = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if !open_bug(&message) {
                abort_on_panic(info);
            }
        }));
    });
    match panic::catch_unwind(AssertUnwindSafe(|| oracle::compare(text))) {
        Ok(Ok(_)) => {}
        Ok(Err(why)) if open_bug(&why) => {}
        Ok(Err(why)) => panic!("scalelint and libyaml disagree on {text:?}: {why}"),
        Err(payload) if open_bug(&panic_message(payload.as_ref())) => {}
        Err(payload) => panic::resume_unwind(payload),
    }
});
