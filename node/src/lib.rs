//! Node.js binding of mfakit: thin napi-rs adapters over `mfakit-core`, one file per core
//! module, errors mapped in `error.rs` (conversions of JS values shared in `convert.rs`).
//! The npm package `mfakit` loads this addon from `lib/index.js`, which adds the `MfaError`
//! class and `util.inspect` redaction.
//!
//! The docs written here (`///`) become the JSDoc of the generated `index.d.ts`.

// `#[napi]` registers the exported functions only outside `cfg(test)`, so a test build would
// see them as unused.
#![cfg_attr(test, allow(dead_code))]

mod account;
mod challenge;
mod convert;
mod error;
mod limiter;
mod otp;
mod qr;
mod recovery;
mod sealed;
mod secret;
mod stepup;
mod uri;
