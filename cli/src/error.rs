//! The CLI's one error type: a stable code and a one-line message, printed as
//! `mfakit: error [code]: message` with exit status 2.

use std::fmt;

use mfakit_core::MfaError;

/// Something the user must fix: bad input, a contradictory flag, unreadable standard input.
#[derive(Debug)]
pub struct CliError {
    /// A core [`MfaError::code`], or `usage` / `io` for what only the CLI can get wrong.
    pub code: &'static str,
    /// One line, never containing a secret or a code.
    pub message: String,
}

impl CliError {
    /// A flag that does not apply, or contradicts an otpauth URI.
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            code: "usage",
            message: message.into(),
        }
    }

    /// Standard input could not be read.
    pub fn io(what: &str, err: std::io::Error) -> CliError {
        CliError {
            code: "io",
            message: format!("{what}: {err}"),
        }
    }
}

impl From<MfaError> for CliError {
    fn from(err: MfaError) -> CliError {
        let mut message = err.to_string();
        if let MfaError::IncompatibleProfile { .. } = err {
            // The core names the opt-out generically; say how to spell it here.
            message.push_str(" (pass --any-profile)");
        }
        CliError {
            code: err.code(),
            message,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keep it to one line whatever the message holds.
        let message = self.message.replace(['\n', '\r'], " ");
        write!(f, "mfakit: error [{}]: {message}", self.code)
    }
}
