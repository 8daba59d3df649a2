//! QR codes of otpauth URIs (or any text). Too much data is `qr_too_large`.

use crate::error::{guard, unsigned32, MfaError};
use mfakit_core::qr;

/// An SVG document of the QR code of `data` (error correction level M, 4-module quiet zone),
/// at least `minSize` pixels wide.
#[uniffi::export(default(min_size = 256))]
pub fn qr_svg(data: String, min_size: i32) -> Result<String, MfaError> {
    guard(|| Ok(qr::svg(&data, unsigned32("min_size", min_size)?)?))
}

/// A grayscale PNG of the QR code of `data`, `scale` pixels per module (1 to 64).
#[uniffi::export(default(scale = 8))]
pub fn qr_png(data: String, scale: i32) -> Result<Vec<u8>, MfaError> {
    guard(|| Ok(qr::png(&data, unsigned32("scale", scale)?)?))
}

/// The QR code of `data` as terminal text in Unicode half blocks.
#[uniffi::export]
pub fn qr_terminal(data: String) -> Result<String, MfaError> {
    guard(|| Ok(qr::terminal(&data)?))
}
