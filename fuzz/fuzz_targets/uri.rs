//! otpauth:// parsing never panics, and whatever parses builds back to a URI that parses to
//! the same value.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mfakit_core::OtpAuthUri;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(uri) = OtpAuthUri::parse(text) else { return };
    if let Ok(built) = uri.to_uri() {
        let again = OtpAuthUri::parse(&built).expect("a built URI parses");
        assert_eq!(again, uri, "round trip changed the URI");
        assert_eq!(again.to_uri().expect("builds again"), built, "round trip is not stable");
    }
});
