//! Python face of `core/src/qr.rs`: QR codes of any text (usually a provisioning URI).
//! Rendering takes tens of microseconds or more, so it runs with the GIL released.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::exceptions::OrRaise;
use crate::guard;

/// An SVG document of the QR code of `data`, at least `min_size` pixels wide.
#[pyfunction]
#[pyo3(signature = (data, *, min_size = 256))]
fn qr_svg(py: Python<'_>, data: &str, min_size: u32) -> PyResult<String> {
    guard(|| {
        py.detach(|| mfakit_core::qr::svg(data, min_size))
            .or_raise()
    })
}

/// A grayscale PNG of the QR code of `data`, `scale` pixels per module (1 to 64).
#[pyfunction]
#[pyo3(signature = (data, *, scale = 8))]
fn qr_png<'py>(py: Python<'py>, data: &str, scale: u32) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| png_bytes(py, data, scale))
}

/// The QR code of `data` drawn with Unicode half blocks, light on dark, for a terminal.
#[pyfunction]
fn qr_terminal(py: Python<'_>, data: &str) -> PyResult<String> {
    guard(|| py.detach(|| mfakit_core::qr::terminal(data)).or_raise())
}

pub(crate) fn png_bytes<'py>(
    py: Python<'py>,
    data: &str,
    scale: u32,
) -> PyResult<Bound<'py, PyBytes>> {
    let png = py.detach(|| mfakit_core::qr::png(data, scale)).or_raise()?;
    Ok(PyBytes::new(py, &png))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(qr_svg, m)?)?;
    m.add_function(wrap_pyfunction!(qr_png, m)?)?;
    m.add_function(wrap_pyfunction!(qr_terminal, m)?)?;
    Ok(())
}
