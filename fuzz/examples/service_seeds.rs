//! Writes the seeds of the `service_record` target: records built by the service's own
//! transitions with the target's keys, each followed by a step-up input.
//!
//! `cargo run --example service_seeds` (from `fuzz/`) rewrites `seeds/service_record/`.

use mfakit_core::{Method, MfaRecord, OtpAuthUri};
use rand::rngs::OsRng;

fn main() {
    let ctx = mfakit_fuzz::service_context();
    let now = 1_800_000_000u64;
    let mut seeds: Vec<(MfaRecord, String)> = Vec::new();
    let empty = MfaRecord::new("fuzz-user").expect("valid user id");
    seeds.push((empty.clone(), "t123456".into()));
    let setup = empty
        .setup_totp(ctx, "fuzz@example.com", true, now, &mut OsRng)
        .expect("setup");
    let pending = setup.record.clone();
    seeds.push((pending.clone(), "t000000".into()));
    let totp = OtpAuthUri::parse(&setup.outcome.uri)
        .expect("uri")
        .totp()
        .expect("totp");
    let confirmed = pending
        .confirm_totp(ctx, &totp.generate_at(now).expect("code"), now, &mut OsRng)
        .expect("confirm");
    let codes = confirmed.outcome.recovery_codes.clone().expect("codes");
    let record = confirmed.record;
    seeds.push((
        record.clone(),
        format!("t{}", totp.generate_at(now + 30).expect("code")),
    ));
    seeds.push((record.clone(), format!("r{}", codes[0].as_str())));
    let contact = record
        .setup_contact(ctx, Method::Email, "fuzz@example.com", now, &mut OsRng)
        .expect("contact");
    let with_email = contact
        .record
        .confirm_contact(
            ctx,
            Method::Email,
            contact.outcome.code.as_str(),
            now,
            &mut OsRng,
        )
        .expect("confirm")
        .record;
    let sent = with_email
        .send_step_up_code(ctx, Method::Email, now, &mut OsRng)
        .expect("send");
    seeds.push((
        sent.record.clone(),
        format!("e{}", sent.outcome.code.as_str()),
    ));
    let mut locked = sent.record;
    for _ in 0..10 {
        locked = locked
            .step_up(ctx, Method::Totp, "000000", now)
            .expect("guess")
            .record;
    }
    seeds.push((locked, format!("t{}", totp.generate_at(now).expect("code"))));
    let dir = std::path::Path::new("seeds/service_record");
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("seed dir");
    for (i, (record, input)) in seeds.iter().enumerate() {
        let mut data = now.to_le_bytes().to_vec();
        data.extend_from_slice(record.to_stored().as_bytes());
        data.push(b'\n');
        data.extend_from_slice(input.as_bytes());
        std::fs::write(dir.join(format!("{i:03}")), data).expect("write seed");
    }
    println!("{} seeds in {}", seeds.len(), dir.display());
}
