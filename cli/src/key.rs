//! Turns `SECRET_OR_URI` and the key flags into a TOTP or an HOTP.
//!
//! Policy when the input is an otpauth URI: `--algorithm`, `--digits` and `--period` describe
//! the key, and the URI already does, so a flag that repeats the URI's value is accepted and one
//! that differs is an error (silently overriding would print codes the user's authenticator app
//! never shows). `--counter` on an hotp URI selects the counter: the URI's `counter` is only
//! where the authenticator started.

use std::io::Read;

use clap::Args;
use mfakit_core::{Algorithm, Hotp, OtpAuthUri, OtpKind, Secret, Totp, TotpParams};
use zeroize::Zeroizing;

use crate::error::CliError;

/// Options shared by `code` and `verify`.
#[derive(Args, Debug)]
pub struct KeyOptions {
    /// TOTP: the UNIX time to use [default: now]
    #[arg(long, value_name = "UNIX", conflicts_with = "counter")]
    pub time: Option<u64>,
    /// HMAC algorithm: SHA1, SHA256 or SHA512 [default: SHA1, or the URI's]
    #[arg(long, value_name = "ALGORITHM", value_parser = parse_algorithm)]
    pub algorithm: Option<Algorithm>,
    /// Number of digits, 6 to 10 [default: 6, or the URI's]
    #[arg(long, value_name = "N")]
    pub digits: Option<u32>,
    /// TOTP time step in seconds [default: 30, or the URI's]
    #[arg(long, value_name = "SECONDS", conflicts_with = "counter")]
    pub period: Option<u64>,
    /// Use HOTP (RFC 4226) at this counter instead of TOTP [default for an hotp URI: its counter]
    #[arg(long, value_name = "N")]
    pub counter: Option<u64>,
}

/// clap value parser for `--algorithm`, so that `sha256` and `SHA-256` work as in the core.
pub fn parse_algorithm(text: &str) -> Result<Algorithm, String> {
    text.parse::<Algorithm>().map_err(|e| e.to_string())
}

/// What `SECRET_OR_URI` and the flags describe.
pub enum Key {
    /// A time-based key.
    Totp(Totp),
    /// A counter-based key and the counter to use.
    Hotp(Hotp, u64),
}

/// Reads `SECRET_OR_URI`: `-` means the first line of standard input, so that secrets stay out
/// of shell history and the process list.
pub fn read_input(arg: &str) -> Result<Zeroizing<String>, CliError> {
    if arg != "-" {
        return Ok(Zeroizing::new(arg.to_owned()));
    }
    let mut text = Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::io("reading standard input", e))?;
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    match line {
        Some(line) => Ok(Zeroizing::new(line.to_owned())),
        None => Err(CliError::usage(
            "standard input is empty (expected a base32 secret or an otpauth:// URI)",
        )),
    }
}

/// Whether `text` is an otpauth URI rather than a base32 secret.
pub fn is_uri(text: &str) -> bool {
    text.trim_start()
        .get(..8)
        .is_some_and(|head| head.eq_ignore_ascii_case("otpauth:"))
}

/// Builds the key from a secret or URI (already read) and the flags.
pub fn resolve(input: &str, opts: &KeyOptions) -> Result<Key, CliError> {
    if is_uri(input) {
        from_uri(&OtpAuthUri::parse(input)?, opts)
    } else {
        from_secret(Secret::from_base32(input)?, opts)
    }
}

fn from_secret(secret: Secret, opts: &KeyOptions) -> Result<Key, CliError> {
    let algorithm = opts.algorithm.unwrap_or_default();
    let defaults = TotpParams::default();
    let digits = opts.digits.unwrap_or(defaults.digits);
    Ok(match opts.counter {
        Some(counter) => Key::Hotp(Hotp::new(secret, algorithm, digits)?, counter),
        None => Key::Totp(Totp::new(
            secret,
            TotpParams {
                algorithm,
                digits,
                period: opts.period.unwrap_or(defaults.period),
                ..defaults
            },
        )?),
    })
}

fn from_uri(uri: &OtpAuthUri, opts: &KeyOptions) -> Result<Key, CliError> {
    agree("--algorithm", opts.algorithm, uri.algorithm)?;
    agree("--digits", opts.digits, uri.digits)?;
    match uri.kind {
        OtpKind::Totp { period } => {
            if opts.counter.is_some() {
                return Err(CliError::usage(
                    "--counter applies to HOTP, but the URI is a totp URI",
                ));
            }
            agree("--period", opts.period, period)?;
            Ok(Key::Totp(uri.totp()?))
        }
        OtpKind::Hotp { counter } => {
            if opts.time.is_some() || opts.period.is_some() {
                return Err(CliError::usage(
                    "--time and --period apply to TOTP, but the URI is an hotp URI (use --counter)",
                ));
            }
            let (hotp, _) = uri.hotp()?;
            Ok(Key::Hotp(hotp, opts.counter.unwrap_or(counter)))
        }
    }
}

fn agree<T: PartialEq + std::fmt::Display>(
    flag: &str,
    given: Option<T>,
    in_uri: T,
) -> Result<(), CliError> {
    match given {
        Some(value) if value != in_uri => Err(CliError::usage(format!(
            "{flag} {value} contradicts the URI, which says {in_uri} (drop the flag)"
        ))),
        _ => Ok(()),
    }
}
