//! Secret bytes are wiped before their memory is freed. One test function, so nothing else
//! allocates concurrently while the scanner is armed.

use mfakit_core::{OtpAuthUri, RecoveryCodeSet, RecoveryParams, Secret, Totp, TotpParams};
use mfakit_zeroize_check::{freed_blocks_containing, Scanning};

#[global_allocator]
static ALLOC: Scanning = Scanning;

// A recognisable 20-byte secret and its base32 form ("MFAKIT-ZEROIZE-CHECK" in ASCII).
const RAW: &[u8] = b"MFAKIT-ZEROIZE-CHECK";

#[test]
fn secrets_are_wiped_before_free() {
    let base32 = Secret::from_bytes(RAW)
        .map(|s| s.to_base32())
        .unwrap_or_default();
    assert!(!base32.is_empty());

    // Control: a plain Vec is freed with its contents, and the scanner sees it. Without this,
    // the checks below could pass because the scanner sees nothing.
    let found = freed_blocks_containing(RAW, || drop(RAW.to_vec()));
    assert!(found > 0, "the scanner must detect an unwiped buffer");

    let found = freed_blocks_containing(RAW, || {
        let secret = Secret::from_bytes(RAW).unwrap_or_else(|_| unreachable!());
        drop(secret.clone());
        drop(secret);
    });
    assert_eq!(
        found, 0,
        "Secret::from_bytes left the secret in freed memory"
    );

    let found = freed_blocks_containing(RAW, || {
        let secret = Secret::from_base32(&base32.to_lowercase()).unwrap_or_else(|e| panic!("{e}"));
        let totp = Totp::new(secret, TotpParams::default()).unwrap_or_else(|_| unreachable!());
        let _ = totp.generate_at(59);
        drop(Box::new(totp));
    });
    assert_eq!(
        found, 0,
        "base32 decoding or Totp left the raw secret in freed memory"
    );

    let uri = format!("otpauth://totp/Example%20Co:alice?secret={base32}&issuer=Example+Co");
    for pattern in [RAW, base32.as_bytes()] {
        let found = freed_blocks_containing(pattern, || {
            let parsed = OtpAuthUri::parse(&uri).unwrap_or_else(|e| panic!("{e}"));
            drop(parsed.totp());
            drop(parsed);
        });
        assert_eq!(found, 0, "parsing a URI left the secret in freed memory");
    }

    // A recovery code: normalising what the user typed and the argon2id evaluation (the
    // engine copies the password into its first hash) leave no copy of the code behind.
    const CODE: &str = "k7m2px9q4rtv";
    let params = RecoveryParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };
    let set = RecoveryCodeSet::from_codes_with_salts(&[CODE], &[[9; 16]], params)
        .unwrap_or_else(|e| panic!("{e}"));
    let found = freed_blocks_containing(CODE.as_bytes(), || {
        let typed = String::from("K7M2-PX9Q-4RTV");
        let check = set.check(&typed).unwrap_or_else(|e| panic!("{e}"));
        assert!(check.accepted);
        drop(check);
    });
    assert_eq!(
        found, 0,
        "a recovery-code check left the code in freed memory"
    );
}
