//! QR codes of otpauth URIs (or any text) as SVG, PNG and terminal text.

use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode};

use crate::error::{MfaError, Result};

/// Quiet zone around the symbol, in modules (ISO/IEC 18004 asks for 4).
const QUIET_ZONE: usize = 4;

fn encode(data: &str) -> Result<QrCode> {
    // Level M survives a smudged screen and still fits long URIs in a readable symbol.
    QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|_| MfaError::QrTooLarge)
}

/// An SVG document of the QR code, at least `min_size` pixels wide.
pub fn svg(data: &str, min_size: u32) -> Result<String> {
    Ok(encode(data)?
        .render::<svg::Color<'_>>()
        .min_dimensions(min_size, min_size)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// Terminal text drawn with Unicode half blocks (two modules per character), light on dark
/// so that it scans on the usual dark terminal background.
pub fn terminal(data: &str) -> Result<String> {
    Ok(encode(data)?
        .render::<unicode::Dense1x2>()
        .dark_color(unicode::Dense1x2::Light)
        .light_color(unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// A grayscale PNG of the QR code, `scale` pixels per module (1 to 64).
pub fn png(data: &str, scale: u32) -> Result<Vec<u8>> {
    if !(1..=64).contains(&scale) {
        return Err(MfaError::param(
            "scale",
            "must be between 1 and 64 pixels per module",
        ));
    }
    let code = encode(data)?;
    let modules = code.width();
    let colors = code.to_colors();
    let scale = scale as usize;
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let mut pixels = vec![0xffu8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
            for y in my * scale..(my + 1) * scale {
                pixels[y * side + mx * scale..y * side + (mx + 1) * scale].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    let side32 = u32::try_from(side).map_err(|_| MfaError::QrTooLarge)?;
    let mut encoder = png::Encoder::new(&mut out, side32, side32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let write =
        |encoder: png::Encoder<'_, &mut Vec<u8>>| -> std::result::Result<(), png::EncodingError> {
            let mut writer = encoder.write_header()?;
            writer.write_image_data(&pixels)?;
            writer.finish()
        };
    write(encoder).map_err(|e| MfaError::Internal {
        reason: format!("PNG encoding failed: {e}"),
    })?;
    Ok(out)
}
