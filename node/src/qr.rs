//! JavaScript face of `core/src/qr.rs`: QR codes of any text (usually a provisioning URI).

use mfakit_core::{qr, Result};
use napi::bindgen_prelude::{Buffer, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::convert::{opt_u32, string};
use crate::error::guard;

/// Default SVG width in pixels and PNG pixels per module (the same in every binding).
const DEFAULT_MIN_SIZE: u32 = 256;
const DEFAULT_SCALE: u32 = 8;

pub(crate) fn svg_of(env: &Env, text: &str, min_size: Option<Unknown<'_>>) -> Result<String> {
    qr::svg(
        text,
        opt_u32(env, min_size, "minSize")?.unwrap_or(DEFAULT_MIN_SIZE),
    )
}

pub(crate) fn png_of(env: &Env, text: &str, scale: Option<Unknown<'_>>) -> Result<Buffer> {
    Ok(qr::png(text, opt_u32(env, scale, "scale")?.unwrap_or(DEFAULT_SCALE))?.into())
}

/// `text` as an SVG QR code at least `minSize` pixels wide (default 256); `qr_too_large`
/// if it does not fit in a QR code.
#[napi(ts_args_type = "text: string, minSize?: number")]
pub fn qr_svg(env: Env, text: Unknown<'_>, min_size: Option<Unknown<'_>>) -> napi::Result<String> {
    guard(&env, || svg_of(&env, &string(text, "text")?, min_size))
}

/// `text` as a grayscale PNG QR code, `scale` pixels per module (1 to 64, default 8).
#[napi(ts_args_type = "text: string, scale?: number")]
pub fn qr_png(env: Env, text: Unknown<'_>, scale: Option<Unknown<'_>>) -> napi::Result<Buffer> {
    guard(&env, || png_of(&env, &string(text, "text")?, scale))
}

/// `text` as a QR code drawn with Unicode half blocks, for a terminal.
#[napi(ts_args_type = "text: string")]
pub fn qr_terminal(env: Env, text: Unknown<'_>) -> napi::Result<String> {
    guard(&env, || qr::terminal(&string(text, "text")?))
}
