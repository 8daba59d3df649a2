//! `mfakit`: enrol, generate and verify one-time codes, inspect otpauth URIs, in the spirit
//! of oathtool; and `mfakit admin`, the operator commands of the MFA service's store. All the
//! logic is in `mfakit-core` and `mfakit-store`; this crate parses arguments and prints.

mod admin;
mod error;
mod key;

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use mfakit_core::{
    qr, unix_now, Algorithm, Hotp, OtpAuthUri, OtpKind, Profile, Secret, Totp, TotpParams, Window,
};
use serde_json::json;

use crate::error::CliError;
use crate::key::{parse_algorithm, read_input, resolve, Key, KeyOptions};

const AFTER_HELP: &str = "\
Secrets and URIs: pass `-` as SECRET_OR_URI (or URI) to read it from the first line of standard
input, which keeps it out of shell history and the process list:
    mfakit code - < secret.txt

With an otpauth:// URI, the URI's own algorithm, digits and period apply: a flag that repeats
them is accepted, one that differs is an error; --counter selects the counter of an hotp URI.

Exit status: 0 success (verify: the code matched), 1 verify: no match, 2 bad input or usage
(one line on stderr: `mfakit: error [code]: message`).";

#[derive(Parser, Debug)]
#[command(
    name = "mfakit",
    version,
    about = "Multi-factor authentication from the shell: TOTP/HOTP codes, otpauth URIs, QR codes",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new TOTP enrolment: print the secret, the otpauth URI, its QR code and the
    /// current code.
    Enroll(EnrollArgs),
    /// Print the one-time code for a secret or otpauth URI (TOTP, or HOTP with --counter).
    #[command(after_help = AFTER_HELP)]
    Code(CodeArgs),
    /// Check a one-time code: print the matched step and drift and exit 0, or print
    /// "no match" and exit 1.
    #[command(after_help = AFTER_HELP)]
    Verify(VerifyArgs),
    /// Print the fields of an otpauth URI (the secret is redacted unless --show-secret).
    #[command(after_help = AFTER_HELP)]
    Uri(UriArgs),
    /// Operator commands on the MFA service's store: status, audit, unlock, reset, migrate.
    #[command(after_help = admin::AFTER_HELP)]
    Admin(admin::AdminArgs),
}

#[derive(Args, Debug)]
struct EnrollArgs {
    /// Service name shown by the authenticator app, e.g. "Example Co"
    #[arg(long)]
    issuer: String,
    /// The user's account name, e.g. alice@example.com
    #[arg(long)]
    account: String,
    /// HMAC algorithm: SHA1, SHA256 or SHA512 (not SHA1 needs --any-profile)
    #[arg(long, value_name = "ALGORITHM", value_parser = parse_algorithm, default_value = "SHA1")]
    algorithm: Algorithm,
    /// Number of digits, 6 to 10 (not 6 needs --any-profile)
    #[arg(long, value_name = "N", default_value_t = 6)]
    digits: u32,
    /// Time step in seconds (not 30 needs --any-profile)
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    period: u64,
    /// Allow settings that popular authenticator apps ignore (they then show wrong codes)
    #[arg(long)]
    any_profile: bool,
}

#[derive(Args, Debug)]
struct CodeArgs {
    /// Base32 secret, otpauth:// URI, or `-` to read it from standard input
    #[arg(value_name = "SECRET_OR_URI")]
    key: String,
    #[command(flatten)]
    options: KeyOptions,
}

#[derive(Args, Debug)]
struct VerifyArgs {
    /// Base32 secret, otpauth:// URI, or `-` to read it from standard input
    #[arg(value_name = "SECRET_OR_URI")]
    key: String,
    /// The code to check (spaces allowed: "123 456")
    code: String,
    #[command(flatten)]
    options: KeyOptions,
    /// TOTP: accept N steps either side of the current one [default: 1].
    /// HOTP: look ahead N counters [default: 10]
    #[arg(long, value_name = "N")]
    window: Option<u32>,
    /// TOTP: refuse every step at or before N (the step of the last accepted code), so that a
    /// code cannot be replayed
    #[arg(long, value_name = "N")]
    after_step: Option<u64>,
}

#[derive(Args, Debug)]
struct UriArgs {
    /// otpauth:// URI, or `-` to read it from standard input
    uri: String,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
    /// Show the secret instead of redacting it
    #[arg(long)]
    show_secret: bool,
}

/// What a command produced: text for stdout and the exit status.
struct Outcome {
    stdout: String,
    status: u8,
}

impl Outcome {
    fn ok(stdout: String) -> Outcome {
        Outcome { stdout, status: 0 }
    }
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // A panic is a bug in mfakit; still give one line and the documented status, no trace.
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("mfakit: error [internal]: unexpected failure{location} (please report it)");
        std::process::exit(2);
    }));
    // clap prints its own usage errors (exit 2) and --help/--version (exit 0).
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Enroll(args) => enroll(&args),
        Command::Code(args) => code(&args),
        Command::Verify(args) => verify(&args),
        Command::Uri(args) => uri(&args),
        Command::Admin(args) => admin::run(&args).map(Outcome::ok),
    };
    match result {
        Ok(outcome) => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`mfakit code ... | head -c0`) is the reader's choice, not an error.
            let _ = out.write_all(outcome.stdout.as_bytes());
            let _ = out.flush();
            ExitCode::from(outcome.status)
        }
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(2)
        }
    }
}

fn enroll(args: &EnrollArgs) -> Result<Outcome, CliError> {
    let profile = if args.any_profile {
        Profile::Any
    } else {
        Profile::Compatible
    };
    let params = TotpParams {
        algorithm: args.algorithm,
        digits: args.digits,
        period: args.period,
        ..TotpParams::default()
    };
    let totp = Totp::new_enrolment(Secret::generate(), params, profile)?;
    let uri = OtpAuthUri::for_totp(&totp, Some(&args.issuer), &args.account)?.to_uri()?;
    let qr = qr::terminal(&uri)?;
    let now = unix_now();
    let code = totp.generate_at(now)?;
    let remaining = totp.remaining_at(now)?;
    Ok(Outcome::ok(format!(
        "issuer:  {issuer}\n\
         account: {account}\n\
         secret:  {secret}\n\
         uri:     {uri}\n\
         \n\
         Scan this QR code with an authenticator app (or type the secret in):\n\
         \n\
         {qr}\n\
         \n\
         code:    {code} (valid for {remaining} s more)\n",
        issuer = args.issuer,
        account = args.account,
        secret = totp.secret().to_base32(),
    )))
}

fn code(args: &CodeArgs) -> Result<Outcome, CliError> {
    let input = read_input(&args.key)?;
    let code = match resolve(&input, &args.options)? {
        Key::Totp(totp) => totp.generate_at(args.options.time.unwrap_or_else(unix_now))?,
        Key::Hotp(hotp, counter) => hotp.generate(counter),
    };
    Ok(Outcome::ok(format!("{code}\n")))
}

fn verify(args: &VerifyArgs) -> Result<Outcome, CliError> {
    let input = read_input(&args.key)?;
    let line = match resolve(&input, &args.options)? {
        Key::Totp(totp) => {
            let window = args.window.map_or_else(Window::default, Window::symmetric);
            let now = args.options.time.unwrap_or_else(unix_now);
            totp.verify_at(&args.code, now, window, args.after_step)?
                .map(|m| format!("match step={} drift={}", m.step, m.drift))
        }
        Key::Hotp(hotp, counter) => {
            if args.after_step.is_some() {
                return Err(CliError::usage(
                    "--after-step applies to TOTP; for HOTP pass the next expected counter as --counter",
                ));
            }
            let look_ahead = args.window.unwrap_or(Hotp::DEFAULT_LOOK_AHEAD);
            hotp.verify(&args.code, counter, look_ahead)?.map(|m| {
                format!(
                    "match counter={} drift={} next_counter={}",
                    m.step,
                    m.drift,
                    m.step.saturating_add(1)
                )
            })
        }
    };
    // A wrong code is an answer, not an error: stdout and status 1; stderr is for status 2.
    Ok(match line {
        Some(line) => Outcome::ok(format!("{line}\n")),
        None => Outcome {
            stdout: "no match\n".to_owned(),
            status: 1,
        },
    })
}

fn uri(args: &UriArgs) -> Result<Outcome, CliError> {
    let input = read_input(&args.uri)?;
    let parsed = OtpAuthUri::parse(&input)?;
    let (kind, period, counter) = match parsed.kind {
        OtpKind::Totp { period } => ("totp", Some(period), None),
        OtpKind::Hotp { counter } => ("hotp", None, Some(counter)),
    };
    let secret = args.show_secret.then(|| parsed.secret.to_base32());
    // Whether apps that ignore algorithm/digits/period would show the right codes.
    let compatibility = period.map(|period| {
        Profile::Compatible.check(&TotpParams {
            algorithm: parsed.algorithm,
            digits: parsed.digits,
            period,
            t0: 0,
        })
    });
    if args.json {
        let value = json!({
            "type": kind,
            "issuer": parsed.issuer,
            "account": parsed.account,
            "secret": secret,
            "secret_bits": parsed.secret.bits(),
            "algorithm": parsed.algorithm.as_str(),
            "digits": parsed.digits,
            "period": period,
            "counter": counter,
            "authenticator_compatible": compatibility.as_ref().map(Result::is_ok),
        });
        return Ok(Outcome::ok(format!("{value:#}\n")));
    }
    let mut out = format!("type:      {kind}\n");
    out.push_str(&format!(
        "issuer:    {}\n",
        parsed.issuer.as_deref().unwrap_or("(none)")
    ));
    // Parsing accepts an empty account (another generator's URI); say so rather than print
    // nothing.
    let account = if parsed.account.is_empty() {
        "(none)"
    } else {
        &parsed.account
    };
    out.push_str(&format!("account:   {account}\n"));
    match &secret {
        Some(secret) => out.push_str(&format!("secret:    {secret}\n")),
        None => out.push_str(&format!(
            "secret:    <redacted, {} bits> (--show-secret to reveal)\n",
            parsed.secret.bits()
        )),
    }
    out.push_str(&format!("algorithm: {}\n", parsed.algorithm));
    out.push_str(&format!("digits:    {}\n", parsed.digits));
    if let Some(period) = period {
        out.push_str(&format!("period:    {period} s\n"));
    }
    if let Some(counter) = counter {
        out.push_str(&format!("counter:   {counter}\n"));
    }
    match compatibility {
        Some(Ok(())) => out.push_str("apps:      every authenticator app shows the right codes\n"),
        Some(Err(err)) => out.push_str(&format!("apps:      {err}\n")),
        None => {}
    }
    Ok(Outcome::ok(out))
}
