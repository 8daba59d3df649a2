//! Verification of attacker-typed codes at arbitrary times and windows never panics, and a
//! match always names a step inside the window after `after_step`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mfakit_core::{Algorithm, Hotp, Secret, Totp, TotpParams, Window};

fuzz_target!(|data: &[u8]| {
    if data.len() < 12 {
        return;
    }
    let time = u64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
    let (behind, ahead) = (u32::from(data[8] % 8), u32::from(data[9] % 8));
    let digits = 6 + u32::from(data[10] % 5);
    let algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][usize::from(data[11] % 3)];
    let period = 1 + u64::from(data[10] / 5);
    let Ok(code) = std::str::from_utf8(&data[12..]) else { return };
    let secret = Secret::from_bytes(b"12345678901234567890").expect("valid secret");
    let totp = Totp::new(secret.clone(), TotpParams { algorithm, digits, period, t0: 0 }).expect("valid params");
    let after = (data[9] & 0x80 != 0).then(|| time / period);
    if let Ok(Some(m)) = totp.verify_at(code, time, Window { behind, ahead }, after) {
        let current = time / period;
        assert!(m.drift >= -i64::from(behind) && m.drift <= i64::from(ahead));
        assert_eq!(m.step as i128 - current as i128, i128::from(m.drift));
        assert!(after.map_or(true, |a| m.step > a));
        assert_eq!(totp.generate_step(m.step), code.replace([' ', '\t'], ""));
    }
    let hotp = Hotp::new(secret, algorithm, digits).expect("valid params");
    let _ = hotp.verify(code, time, u32::from(data[8]));
    let _ = hotp.resync(code, code, time, u32::from(data[9]));
});
