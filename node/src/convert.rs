//! JavaScript values in, core values out: times, counters, small integers, strings, bytes and
//! options objects. Not a core module: the conversions every adapter shares.
//!
//! Arguments that users fill from forms or config files arrive as `Unknown` and are checked
//! here, so that a wrong type or an absurd number is an `MfaError` with code
//! `invalid_parameter` naming the option, like every other error of the package, instead of
//! a napi conversion error.

use mfakit_core::{Algorithm, MfaError, Result, Window};
use napi::bindgen_prelude::{FromNapiValue, Function, JsObjectValue, Object, Unknown};
use napi::{Env, JsValue, ValueType};

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`). Counters and
/// steps above it could not come back to JavaScript unchanged, so they are refused.
pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> MfaError {
    MfaError::InvalidParameter {
        name,
        reason: reason.into(),
    }
}

fn value_type(value: &Unknown<'_>, name: &'static str) -> Result<ValueType> {
    value
        .get_type()
        .map_err(|_| invalid(name, "could not be read"))
}

/// `undefined` and `null` both mean "not given".
pub(crate) fn given<'a>(value: Option<Unknown<'a>>) -> Result<Option<Unknown<'a>>> {
    match value {
        None => Ok(None),
        Some(v) => match value_type(&v, "argument")? {
            ValueType::Undefined | ValueType::Null => Ok(None),
            _ => Ok(Some(v)),
        },
    }
}

/// An options object (or nothing) converted to the `#[napi(object)]` struct `T`.
pub(crate) fn options<T: FromNapiValue>(
    value: Option<Unknown<'_>>,
    name: &'static str,
) -> Result<Option<T>> {
    let Some(value) = given(value)? else {
        return Ok(None);
    };
    if value_type(&value, name)? != ValueType::Object {
        return Err(invalid(name, "must be an object"));
    }
    // napi's reason names the field ("Missing field `account`"); it never holds a value.
    T::from_unknown(value)
        .map(Some)
        .map_err(|e| invalid(name, e.reason.clone()))
}

/// An options object read field by field, for the calls made once per request (verification).
/// napi's `#[napi(object)]` conversion creates a fresh JS string for every field's key and
/// types each value twice; reading the fields by name directly took `verify(code, { afterStep })`
/// from 3.4 to (measured) well under half of that. The `#[napi(object)]` structs still
/// describe these options in `index.d.ts`.
pub(crate) struct Fields<'a>(Option<Object<'a>>);

impl<'a> Fields<'a> {
    /// The options object `value` (named `name` in errors), or no fields if it is not given.
    pub(crate) fn new(value: Option<Unknown<'a>>, name: &'static str) -> Result<Fields<'a>> {
        let Some(value) = given(value)? else {
            return Ok(Fields(None));
        };
        if value_type(&value, name)? != ValueType::Object {
            return Err(invalid(name, "must be an object"));
        }
        Object::from_unknown(value)
            .map(|object| Fields(Some(object)))
            .map_err(|_| invalid(name, "must be an object"))
    }

    /// Whether no options object was given (`undefined` or `null`).
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The field `key`, or `None` when it is absent, `undefined` or `null`.
    pub(crate) fn get(&self, key: &'static str) -> Result<Option<Unknown<'a>>> {
        let Some(object) = &self.0 else {
            return Ok(None);
        };
        let value: Unknown<'a> = object
            .get_named_property_unchecked(key)
            .map_err(|_| invalid(key, "could not be read"))?;
        given(Some(value))
    }
}

pub(crate) fn string(value: Unknown<'_>, name: &'static str) -> Result<String> {
    if value_type(&value, name)? != ValueType::String {
        return Err(invalid(name, "must be a string"));
    }
    String::from_unknown(value).map_err(|_| invalid(name, "must be a string"))
}

/// What a user typed as a code, read like [`string`] but into a stack buffer when it is short,
/// as codes are: no heap copy, one N-API call instead of three. `verify` spent an eighth of
/// its time reading the code (measured with perf against the fixed cost of the HMAC).
pub(crate) fn with_short_string<T>(
    env: &Env,
    value: Unknown<'_>,
    name: &'static str,
    f: impl FnOnce(&str) -> Result<T>,
) -> Result<T> {
    let mut buf = [0u8; 64];
    match read_into(env, &value, &mut buf) {
        Some(Some(text)) => f(text),
        Some(None) => f(&string(value, name)?),
        None => Err(invalid(name, "must be a string")),
    }
}

/// A string read whole into `buf` with one N-API call: `Some(Some(text))`; `Some(None)` if it
/// is a string too long for `buf`; `None` if it is not a string. The caller owns `buf`, so a
/// caller reading a secret can zeroize it (`secret::read`).
pub(crate) fn read_into<'b>(
    env: &Env,
    value: &Unknown<'_>,
    buf: &'b mut [u8],
) -> Option<Option<&'b str>> {
    let mut written = 0usize;
    // SAFETY: `env` and `value` are the live handles of the current call; `buf` is valid for
    // `buf.len()` bytes, and N-API writes at most `buf.len() - 1` bytes plus a NUL into it and
    // the count into `written`. A value that is not a string is refused by N-API with
    // `napi_string_expected` without touching the buffer.
    let status = unsafe {
        napi::sys::napi_get_value_string_utf8(
            env.raw(),
            value.raw(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut written,
        )
    };
    if status != napi::sys::Status::napi_ok {
        return None;
    }
    // N-API writes whole UTF-8 sequences only, so a text that did not fit leaves fewer than 4
    // (the longest sequence) bytes of the buffer unused besides the NUL: with 5 or more unused,
    // the text was read whole. A longer one is for the caller to read the ordinary way.
    let fits = written + 5 <= buf.len();
    Some(std::str::from_utf8(&buf[..written]).ok().filter(|_| fits))
}

/// `true` or `false` (nothing else: `"false"` is not taken for `true`).
pub(crate) fn opt_bool(value: Option<Unknown<'_>>, name: &'static str) -> Result<Option<bool>> {
    let Some(value) = given(value)? else {
        return Ok(None);
    };
    if value_type(&value, name)? != ValueType::Boolean {
        return Err(invalid(name, "must be a boolean"));
    }
    bool::from_unknown(value)
        .map(Some)
        .map_err(|_| invalid(name, "must be a boolean"))
}

/// A plain object (or a JSON string) as JSON text, through the global `JSON.stringify`, for
/// the core's `from_json` parsers (so every language passes the same document).
pub(crate) fn json_text(env: &Env, value: Unknown<'_>, name: &'static str) -> Result<String> {
    match value_type(&value, name)? {
        ValueType::String => string(value, name),
        ValueType::Object => {
            let stringify = || -> napi::Result<String> {
                let json: Object<'_> = env.get_global()?.get_named_property("JSON")?;
                let stringify: Function<'_, Unknown<'_>, String> =
                    json.get_named_property("stringify")?;
                stringify.apply(json, value)
            };
            stringify().map_err(|_| invalid(name, "could not be turned into JSON"))
        }
        _ => Err(invalid(name, "must be an object")),
    }
}

pub(crate) fn opt_string(value: Option<Unknown<'_>>, name: &'static str) -> Result<Option<String>> {
    given(value)?.map(|v| string(v, name)).transpose()
}

/// A non-negative integer up to `max` (at most 2^53 - 1), from a number or a bigint.
pub(crate) fn integer(env: &Env, value: Unknown<'_>, name: &'static str, max: u64) -> Result<u64> {
    let f = match value_type(&value, name)? {
        ValueType::Number => {
            f64::from_unknown(value).map_err(|_| invalid(name, "must be a number"))?
        }
        // N-API 4 (napi's default feature set) names every `typeof` but "bigint". `Number(b)`
        // is exact up to 2^53, and anything larger is refused below.
        ValueType::Unknown => {
            bigint_to_f64(env, value).map_err(|_| invalid(name, "must be a number or a bigint"))?
        }
        _ => return Err(invalid(name, "must be a number or a bigint")),
    };
    if !(f.is_finite() && f.fract() == 0.0 && f >= 0.0) {
        return Err(invalid(name, "must be a non-negative integer"));
    }
    if f > max as f64 {
        return Err(invalid(name, format!("must be at most {max}")));
    }
    // Finite, integral, within 0..=max where max < 2^53: exact.
    Ok(f as u64)
}

fn bigint_to_f64(env: &Env, value: Unknown<'_>) -> napi::Result<f64> {
    let number: Function<'_, Unknown<'_>, f64> = env.get_global()?.get_named_property("Number")?;
    number.call(value)
}

pub(crate) fn opt_integer(
    env: &Env,
    value: Option<Unknown<'_>>,
    name: &'static str,
    max: u64,
) -> Result<Option<u64>> {
    given(value)?
        .map(|v| integer(env, v, name, max))
        .transpose()
}

/// A small count (digits, window steps, look-ahead, bits): an integer that fits `u32`.
/// Range checks beyond that are the core's.
pub(crate) fn opt_u32(
    env: &Env,
    value: Option<Unknown<'_>>,
    name: &'static str,
) -> Result<Option<u32>> {
    // At most `u32::MAX`, so the cast below is exact.
    Ok(opt_integer(env, value, name, u64::from(u32::MAX))?.map(|n| n as u32))
}

/// A moment: a `Date`, or UNIX seconds as a number (fractions are truncated, so
/// `Date.now() / 1000` works) or a bigint.
pub(crate) fn time(env: &Env, value: Unknown<'_>) -> Result<u64> {
    const NAME: &str = "time";
    match value_type(&value, NAME)? {
        ValueType::Number => {
            let f = f64::from_unknown(value).map_err(|_| invalid(NAME, "must be a number"))?;
            seconds(f)
        }
        ValueType::Unknown => integer(env, value, NAME, MAX_SAFE_INTEGER),
        ValueType::Object if is_date(env, &value)? => {
            // A Date's primitive value is its time in milliseconds (NaN when invalid).
            let ms = value
                .coerce_to_number()
                .and_then(|n| n.get_double())
                .map_err(|_| invalid(NAME, "is not a valid Date"))?;
            seconds(ms / 1000.0)
        }
        _ => Err(invalid(
            NAME,
            "must be a Date, UNIX seconds (number) or a bigint",
        )),
    }
}

fn seconds(f: f64) -> Result<u64> {
    if !f.is_finite() || f < 0.0 {
        return Err(invalid(
            "time",
            "must be a finite time at or after 1970-01-01",
        ));
    }
    if f > MAX_SAFE_INTEGER as f64 {
        return Err(invalid("time", "is too far in the future"));
    }
    // Finite, non-negative and below 2^53: truncation is exact and intended.
    Ok(f.trunc() as u64)
}

fn is_date(env: &Env, value: &Unknown<'_>) -> Result<bool> {
    // `napi_is_date` needs N-API 5; `instanceof Date` works with the default N-API 4 feature.
    let check = || -> napi::Result<bool> {
        let date: Function<'_> = env.get_global()?.get_named_property("Date")?;
        let object = Object::from_unknown(*value)?;
        object.instanceof(date)
    };
    check().map_err(|_| invalid("time", "could not be read"))
}

/// `time` if given, else the system clock.
pub(crate) fn time_or_now(env: &Env, value: Option<Unknown<'_>>) -> Result<u64> {
    match given(value)? {
        Some(v) => time(env, v),
        None => Ok(mfakit_core::unix_now()),
    }
}

/// A number option as `lib/index.js` passes it to the numeric fast paths (`__verifyNumbers`):
/// `-1` when it was not given, else the non-negative number given. Any other value (a `Date`,
/// a bigint, an object, a negative or non-number) takes the ordinary path, with its errors.
pub(crate) fn given_number(value: f64) -> Option<f64> {
    (value >= 0.0).then_some(value)
}

/// [`time_or_now`] for a number from [`given_number`].
pub(crate) fn seconds_or_now(value: Option<f64>) -> Result<u64> {
    value.map_or_else(|| Ok(mfakit_core::unix_now()), seconds)
}

/// [`window`] for a number of steps from [`given_number`].
pub(crate) fn window_steps(value: Option<f64>) -> Result<Window> {
    Ok(opt_uint32(value, "window")?.map_or_else(Window::default, Window::symmetric))
}

/// A TOTP window: a number of steps either side, or `{ behind, ahead }`.
pub(crate) fn window(env: &Env, value: Option<Unknown<'_>>) -> Result<Window> {
    let Some(value) = given(value)? else {
        return Ok(Window::default());
    };
    if value_type(&value, "window")? == ValueType::Object {
        let object =
            Object::from_unknown(value).map_err(|_| invalid("window", "must be an object"))?;
        let side = |key: &str, name: &'static str| -> Result<u32> {
            let v: Option<Unknown<'_>> = object
                .get(key)
                .map_err(|_| invalid(name, "could not be read"))?;
            Ok(opt_u32(env, v, name)?.unwrap_or(0))
        };
        return Ok(Window {
            behind: side("behind", "window.behind")?,
            ahead: side("ahead", "window.ahead")?,
        });
    }
    let steps = opt_u32(env, Some(value), "window")?.unwrap_or(1);
    Ok(Window::symmetric(steps))
}

pub(crate) fn algorithm(value: Option<Unknown<'_>>) -> Result<Algorithm> {
    match opt_string(value, "algorithm")? {
        Some(text) => text.parse(),
        None => Ok(Algorithm::default()),
    }
}

/// A non-negative integer up to `max` from a number already typed by napi (fields of
/// non-secret options objects).
pub(crate) fn uint(value: f64, name: &'static str, max: u64) -> Result<u64> {
    if !(value.is_finite() && value.fract() == 0.0 && value >= 0.0) {
        return Err(invalid(name, "must be a non-negative integer"));
    }
    if value > max as f64 {
        return Err(invalid(name, format!("must be at most {max}")));
    }
    // Finite, integral, within 0..=max where max < 2^53: exact.
    Ok(value as u64)
}

pub(crate) fn opt_uint(value: Option<f64>, name: &'static str, max: u64) -> Result<Option<u64>> {
    value.map(|v| uint(v, name, max)).transpose()
}

pub(crate) fn opt_uint32(value: Option<f64>, name: &'static str) -> Result<Option<u32>> {
    // At most `u32::MAX`, so the cast is exact.
    Ok(opt_uint(value, name, u64::from(u32::MAX))?.map(|v| v as u32))
}

/// Bytes: a `Buffer`/`Uint8Array`, or text taken as UTF-8 (for associated data and
/// plaintexts).
pub(crate) fn bytes(
    value: Option<Unknown<'_>>,
    name: &'static str,
) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    let Some(value) = given(value)? else {
        return Ok(zeroize::Zeroizing::new(Vec::new()));
    };
    match value_type(&value, name)? {
        ValueType::String => Ok(zeroize::Zeroizing::new(
            String::from_unknown(value)
                .map_err(|_| invalid(name, "must be a string"))?
                .into_bytes(),
        )),
        ValueType::Object if value.is_typedarray().unwrap_or(false) => Ok(zeroize::Zeroizing::new(
            <&[u8]>::from_unknown(value)
                .map_err(|_| invalid(name, "must be a Uint8Array"))?
                .to_vec(),
        )),
        _ => Err(invalid(name, "must be a Buffer, a Uint8Array or a string")),
    }
}

/// An instance of the napi class `T`, checked with `instanceof` first (napi's unwrap alone
/// does not check which class it unwraps).
pub(crate) fn instance<'a, T>(
    env: &Env,
    value: Unknown<'a>,
    name: &'static str,
    class: &str,
) -> Result<napi::bindgen_prelude::ClassInstance<'a, T>>
where
    T: napi::bindgen_prelude::JavaScriptClassExt + 'a,
{
    let wrong = || invalid(name, format!("must be a {class}"));
    if value_type(&value, name)? != ValueType::Object
        || !T::instance_of(env, &value).unwrap_or(false)
    {
        return Err(wrong());
    }
    napi::bindgen_prelude::ClassInstance::<T>::from_unknown(value).map_err(|_| wrong())
}

/// Raw key bytes: a `Buffer` or `Uint8Array` only (text is refused, so that a base64 or hex
/// string is never taken for the key itself).
pub(crate) fn key_bytes(
    value: Unknown<'_>,
    name: &'static str,
) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    if !value.is_typedarray().unwrap_or(false) {
        return Err(invalid(name, "must be a Buffer or Uint8Array"));
    }
    bytes(Some(value), name)
}
