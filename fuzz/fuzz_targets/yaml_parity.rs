//! Our YAML reader against libyaml (`unsafe-libyaml` and the composer of the parity tests):
//! the same accept/reject, the same trees and span starts; the fast path and libyaml alone
//! (`parse_reference`) giving the same documents, problems and spans; and no panic.
//!
//! Where one of go-yaml's deviations from libyaml may apply (`go_yaml_may_deviate`), the
//! libyaml comparison is skipped: scalelint follows go-yaml there, and the parity tests check
//! those inputs against go-yaml itself.
#![no_main]

#[path = "../../tests/common/libyaml_oracle.rs"]
mod oracle;

use libfuzzer_sys::fuzz_target;
use scalelint::sources::yaml;

fuzz_target!(|data: &[u8]| {
    // scalelint reads only UTF-8 (anything else is an io-error before the YAML reader).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = yaml::Limits::default();
    let (fast, reference) = (yaml::parse(text, limits), yaml::parse_reference(text, limits));
    if let Some(part) = fast.difference(&reference) {
        panic!("the fast path and libyaml differ in {part} on {text:?}");
    }
    match oracle::compare(text) {
        Ok(_) => {}
        Err(why) if why.starts_with(oracle::GO_YAML_DEVIATION) => {}
        Err(why) => panic!("scalelint and libyaml disagree on {text:?}: {why}"),
    }
});
