//! The argon2id engines behind recovery codes (libsodium for one lane, RustCrypto's `argon2`
//! for more) checked against an independent implementation (RustCrypto's `argon2` for the
//! libsodium path; RFC 9106's vector and the stored known answers of tests/vectors/recovery.json
//! for both): every stored hash mfakit writes must be the argon2id tag the other implementation
//! computes for the same code, salt and parameters, so stored sets stay valid whichever engine
//! computed them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use mfakit_core::recovery::RECOVERY_ALPHABET;
use mfakit_core::{RecoveryCodeSet, RecoveryParams};
use proptest::prelude::*;

/// The reference tag: argon2id v0x13, 32-byte output.
fn reference_tag(code: &str, salt: &[u8; 16], p: RecoveryParams) -> Vec<u8> {
    let params = Params::new(p.m_cost_kib, p.t_cost, p.p_cost, Some(32)).unwrap();
    let mut out = vec![0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(code.as_bytes(), salt, &mut out)
        .unwrap();
    out
}

/// The (salt, hash) pairs of a stored set, in slot order.
fn stored_entries(set: &RecoveryCodeSet) -> Vec<(Vec<u8>, Vec<u8>)> {
    let stored = set.to_stored();
    let entries = stored.rsplit(':').next().unwrap();
    entries
        .split(';')
        .map(|entry| {
            let parts: Vec<&str> = entry.split('.').collect();
            (
                URL_SAFE_NO_PAD.decode(parts[1]).unwrap(),
                URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
            )
        })
        .collect()
}

fn code_strategy(slot: usize) -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = RECOVERY_ALPHABET.chars().collect();
    let slot_char = alphabet[slot];
    proptest::collection::vec(proptest::sample::select(alphabet), 11)
        .prop_map(move |rest| std::iter::once(slot_char).chain(rest).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random codes, salts and cost parameters (small memory, so the case count stays high;
    /// several lanes and passes, which exercise the lane and pass ordering).
    #[test]
    fn stored_hashes_match_the_reference_implementation(
        codes in (code_strategy(0), code_strategy(7), code_strategy(31)),
        salts in proptest::array::uniform3(proptest::array::uniform16(any::<u8>())),
        p_cost in 1u32..=4,
        t_cost in 1u32..=3,
        extra_kib in 0u32..=256,
    ) {
        let params = RecoveryParams { m_cost_kib: 8 * p_cost + extra_kib, t_cost, p_cost };
        let codes = [codes.0, codes.1, codes.2];
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        let set = RecoveryCodeSet::from_codes_with_salts(&refs, &salts, params).unwrap();
        let entries = stored_entries(&set);
        prop_assert_eq!(entries.len(), 3);
        for ((code, salt), (stored_salt, stored_hash)) in codes.iter().zip(&salts).zip(&entries) {
            prop_assert_eq!(&stored_salt[..], &salt[..]);
            prop_assert_eq!(stored_hash, &reference_tag(code, salt, params));
        }
        // And the set accepts exactly its own codes.
        prop_assert!(set.check(&codes[1]).unwrap().accepted);
    }
}

/// The default parameters (m = 19456 KiB, t = 2, p = 1), which the thread's reused working
/// memory serves, alternating with a different size on the same thread: switching parameters
/// must neither reuse stale memory nor change the answer.
#[test]
fn default_parameters_and_reused_memory_match_the_reference() {
    let small = RecoveryParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 2,
    };
    let salt = [0x5a; 16];
    for params in [RecoveryParams::default(), small, RecoveryParams::default()] {
        let set =
            RecoveryCodeSet::from_codes_with_salts(&["k7m2-px9q-4rtv"], &[salt], params).unwrap();
        let (_, hash) = &stored_entries(&set)[0];
        assert_eq!(hash, &reference_tag("k7m2px9q4rtv", &salt, params));
    }
}

/// RFC 9106 section 5.3: the argon2id test vector (with secret and associated data, and four
/// lanes), computed by RustCrypto's `argon2`, mfakit's engine for more than one lane. libsodium
/// takes neither a secret nor associated data; it meets the oracle in the tests above.
#[test]
fn rfc9106_argon2id_vector() {
    let params = argon2::ParamsBuilder::new()
        .m_cost(32)
        .t_cost(3)
        .p_cost(4)
        .data(argon2::AssociatedData::new(&[4; 12]).unwrap())
        .output_len(32)
        .build()
        .unwrap();
    let engine =
        Argon2::new_with_secret(&[3; 8], Algorithm::Argon2id, Version::V0x13, params).unwrap();
    let mut tag = [0u8; 32];
    engine
        .hash_password_into(&[1; 32], &[2; 16], &mut tag)
        .unwrap();
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
    );
}

/// libsodium directly at the smallest memory, many passes and the default cost: the same tags
/// as the oracle.
#[test]
fn libsodium_matches_the_oracle_directly() {
    for (m, t) in [(8, 1), (8, 10), (64, 3), (19_456, 2)] {
        let mut ours = [0u8; 32];
        mfakit_argon2::argon2id(b"k7m2px9q4rtv", &[0x33; 16], t, m, &mut ours).unwrap();
        let params = RecoveryParams {
            m_cost_kib: m,
            t_cost: t,
            p_cost: 1,
        };
        assert_eq!(
            ours.to_vec(),
            reference_tag("k7m2px9q4rtv", &[0x33; 16], params),
            "m={m} t={t}"
        );
    }
}
