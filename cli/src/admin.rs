//! `mfakit admin`: operator commands on the MFA service's store (status, audit, unlock, reset,
//! migrate), for support staff and scripts. Every change goes through `mfakit-store`'s service,
//! so it is the same atomic compare-and-swap, with the same audit event, as the application's.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use mfakit_core::{
    unix_now, AuditEvent, ChallengeKey, Keyring, MfaContext, MfaStatus, SealingKey, ServicePolicy,
};
use mfakit_store::{open_backend, MfaService, StoreOptions, DEFAULT_URL, STORE_SCHEMA};
use serde_json::json;

use crate::error::CliError;

pub const AFTER_HELP: &str = "\
The store is --store, else the environment variable MFAKIT_STORE, else sqlite://mfakit.db:
    sqlite://PATH (sqlite:///abs/path.db is absolute), postgres://..., redis://...
A SQLite file must exist already (except for `migrate`), so that a mistyped path is an error
rather than a new, empty store.

None of these commands opens a sealed value, so none needs the application's sealing or
challenge key: support staff never hold them. --policy-file (or MFAKIT_POLICY_FILE) gives the
application's service policy as JSON, so that `status` computes the lockout as the application
does; without it the default policy applies.

Exit status: 0 success, 2 error (one line on stderr: `mfakit: error [code]: message`).";

/// `mfakit admin [--store URL] [--policy-file FILE] [--json] COMMAND`.
#[derive(Args, Debug)]
pub struct AdminArgs {
    /// Store URL [default: $MFAKIT_STORE, else sqlite://mfakit.db]
    #[arg(long, global = true, value_name = "URL")]
    store: Option<String>,
    /// The application's service policy, a JSON file [default: $MFAKIT_POLICY_FILE, else the
    /// default policy]
    #[arg(long, global = true, value_name = "FILE")]
    policy_file: Option<PathBuf>,
    /// Print JSON instead of text
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Subcommand, Debug)]
enum AdminCommand {
    /// Show a user's methods, recovery codes left, failures and lockout
    Status {
        /// The user id, as the application passes it to the service
        user: String,
    },
    /// Show a user's audit events, newest first
    Audit {
        /// The user id
        user: String,
        /// Most events to show, 1 to 1000
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: usize,
    },
    /// Lift a user's lockout and forget the counted failures (audited)
    Unlock {
        /// The user id
        user: String,
    },
    /// Remove every method of a user: TOTP, email, SMS, recovery codes, open challenges
    /// (audited; the user enrols again)
    Reset {
        /// The user id
        user: String,
    },
    /// Create or upgrade the store's tables or keys (safe to run repeatedly and concurrently)
    Migrate,
}

/// Runs one admin command and returns what to print.
pub fn run(args: &AdminArgs) -> Result<String, CliError> {
    let url = store_url(args.store.as_deref());
    let service = || -> Result<MfaService, CliError> {
        require_existing_sqlite(&url)?;
        let ctx = context(policy(args.policy_file.as_deref())?)?;
        Ok(MfaService::open(&url, ctx, options())?)
    };
    match &args.command {
        AdminCommand::Migrate => {
            let backend = open_backend(&url, options())?;
            Ok(if args.json {
                format!(
                    "{:#}\n",
                    json!({"store": backend.kind(), "schema": STORE_SCHEMA})
                )
            } else {
                format!(
                    "migrated: {} store at schema {STORE_SCHEMA}\n",
                    backend.kind()
                )
            })
        }
        AdminCommand::Status { user } => {
            let status = service()?.status(user)?;
            Ok(if args.json {
                let mut value = serde_json::to_value(&status).unwrap_or_default();
                value["user_id"] = json!(user);
                format!("{value:#}\n")
            } else {
                status_text(user, &status, unix_now())
            })
        }
        AdminCommand::Audit { user, limit } => {
            let events = service()?.audit(user, *limit)?;
            Ok(if args.json {
                format!("{:#}\n", json!(events))
            } else if events.is_empty() {
                format!("no audit events for {user}\n")
            } else {
                events.iter().map(audit_line).collect()
            })
        }
        AdminCommand::Unlock { user } => {
            service()?.unlock(user)?;
            Ok(done(args.json, user, "unlocked", None))
        }
        AdminCommand::Reset { user } => {
            // What the user had, for the operator's record; the reset itself is atomic.
            let svc = service()?;
            let had = svc.status(user)?.methods;
            svc.reset(user)?;
            let had: Vec<&str> = had.iter().map(|m| m.as_str()).collect();
            Ok(done(args.json, user, "reset", Some(&had)))
        }
    }
}

/// `--store`, else `MFAKIT_STORE`, else the store's default.
fn store_url(flag: Option<&str>) -> String {
    flag.map(str::to_owned)
        .or_else(|| std::env::var("MFAKIT_STORE").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| DEFAULT_URL.to_owned())
}

/// Opening `sqlite://PATH` creates PATH; for anything but `migrate` a missing file is a
/// mistyped path, and answering "no methods" from a new empty store would mislead support.
fn require_existing_sqlite(url: &str) -> Result<(), CliError> {
    let Some(rest) = url.strip_prefix("sqlite://") else {
        return Ok(());
    };
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    if path.is_empty() || Path::new(path).exists() {
        return Ok(());
    }
    Err(CliError {
        code: "storage_unavailable",
        message: format!(
            "no SQLite store at {path} (check --store / MFAKIT_STORE, or create it with `mfakit admin migrate`)"
        ),
    })
}

fn policy(flag: Option<&Path>) -> Result<ServicePolicy, CliError> {
    let path = flag.map(Path::to_path_buf).or_else(|| {
        std::env::var_os("MFAKIT_POLICY_FILE")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    });
    let Some(path) = path else {
        return Ok(ServicePolicy::default());
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError::io(&format!("reading {}", path.display()), e))?;
    Ok(ServicePolicy::from_json(&text)?)
}

/// The service context of the operator commands. They never open a sealed value (status,
/// audit, unlock and reset read or clear the record's plain fields), so the keys are fresh
/// random ones that live only in this process: production keys stay with the application.
fn context(policy: ServicePolicy) -> Result<MfaContext, CliError> {
    let keyring = Keyring::new("mfakit-admin", SealingKey::generate())?;
    Ok(MfaContext::new(
        keyring,
        ChallengeKey::generate(),
        "mfakit admin",
        policy,
    )?)
}

/// One command, one connection.
fn options() -> StoreOptions {
    StoreOptions {
        max_connections: 1,
        ..StoreOptions::default()
    }
}

fn done(json: bool, user: &str, action: &str, removed: Option<&[&str]>) -> String {
    if json {
        let mut value = json!({"user_id": user, "action": action});
        if let Some(removed) = removed {
            value["removed"] = json!(removed);
        }
        return format!("{value:#}\n");
    }
    match removed {
        Some([]) => format!("{action} {user} (no method was enrolled)\n"),
        Some(removed) => format!("{action} {user} (removed: {})\n", removed.join(", ")),
        None => format!("{action} {user}\n"),
    }
}

fn status_text(user: &str, s: &MfaStatus, now: u64) -> String {
    let methods: Vec<&str> = s.methods.iter().map(|m| m.as_str()).collect();
    let mut out = format!("user:           {user}\n");
    out.push_str(&format!(
        "methods:        {}\n",
        if methods.is_empty() {
            "none".to_owned()
        } else {
            methods.join(", ")
        }
    ));
    out.push_str(&format!(
        "totp pending:   {}\n",
        if s.totp_pending { "yes" } else { "no" }
    ));
    out.push_str(&format!("recovery codes: {} left\n", s.recovery_codes_left));
    out.push_str(&format!("failures:       {}\n", s.failures));
    match s.locked_until {
        Some(until) => out.push_str(&format!(
            "locked:         until {} ({} s from now)\n",
            rfc3339(until),
            until.saturating_sub(now)
        )),
        None => out.push_str("locked:         no\n"),
    }
    for (method, masked) in &s.masked {
        out.push_str(&format!("{:<16}{masked}\n", format!("{method}:")));
    }
    out
}

fn audit_line(e: &AuditEvent) -> String {
    format!(
        "{}  {:<26} {:<13} {}\n",
        rfc3339(e.at),
        e.kind.as_str(),
        e.method.map_or("-", |m| m.as_str()),
        e.outcome
    )
}

/// UNIX seconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC), by Howard Hinnant's `civil_from_days`.
fn rfc3339(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_800_000_000), "2027-01-15T08:00:00Z");
        assert_eq!(rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
    }
}
