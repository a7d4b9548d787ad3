//! The first-bytes policy test (`files::may_be_policy`) against the parser's verdict on
//! xml-ish text: it may read a file it need not, but never turns a policy away.

use std::path::PathBuf;
use std::sync::Arc;

use b2c_lsp::files::may_be_policy;
use b2c_lsp::index::FileData;
use proptest::prelude::*;

fn fragment() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("<"),
        Just("</"),
        Just(">"),
        Just("/>"),
        Just(" "),
        Just("\n"),
        Just("\""),
        Just("="),
        Just("x"),
        Just("é"),
        Just("\u{a9}"),
        Just("\u{feff}"),
        Just("<!--"),
        Just("-->"),
        Just("<?"),
        Just("?>"),
        Just("<?xml version=\"1.0\"?>"),
        Just("<!DOCTYPE x ["),
        Just("]>"),
        Just("<![CDATA["),
        Just("]]>"),
        Just("TrustFrameworkPolicy"),
        Just("<TrustFrameworkPolicy"),
        Just("<p:TrustFrameworkPolicy"),
        Just("<TrustFrameworkPolicy>"),
        Just("<notes>"),
        Just("<a"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_policy_is_never_turned_away(pieces in prop::collection::vec(fragment(), 0..16)) {
        let text = pieces.concat();
        let data = FileData::new(PathBuf::from("/p/P.xml"), Arc::from(text.as_str()), false);
        if data.summary.is_policy {
            let bytes = text.as_bytes();
            prop_assert!(may_be_policy(bytes, true), "whole: {:?}", text);
            for cut in 0..bytes.len() {
                prop_assert!(may_be_policy(&bytes[..cut], false), "cut at {}: {:?}", cut, text);
            }
        }
    }
}

/// A case the property test found: in `<?>` and `<!-->` the opener's own characters close
/// nothing, so the policy after them is still seen.
#[test]
fn an_opener_does_not_close_itself() {
    for text in [
        "<?><notes>?><TrustFrameworkPolicy>",
        "<!--><notes>--><TrustFrameworkPolicy>",
    ] {
        assert!(may_be_policy(text.as_bytes(), true), "{text}");
    }
}
