//! The hot calls of `Totp`, `Hotp` and `OtpChallenge`, and `unixNow()`, through JNI (Kotlin on the JVM and
//! Android; Swift stays on uniffi).
//!
//! uniffi 0.32's Kotlin crosses through JNA: a JNA `Structure` for the call status per call,
//! a handle clone, `RustBuffer`s for strings. That costs tens of microseconds per call
//! (bindings/README.md, "Where the time goes"), far more than an HMAC. These functions let the
//! generated Kotlin classes (patched by `kotlin/build/PatchJni.java`) take a shortcut:
//!
//! - the object is *borrowed* through its uniffi handle (the Kotlin side holds its call counter
//!   for the duration of the call, as uniffi's `callWithHandle` does, so it cannot be freed);
//! - each function calls the very same adapter method the uniffi export calls, so there is no
//!   second copy of any OTP logic;
//! - anything that is not the plain successful case (an error, a panic, a code that is not
//!   short ASCII, a JNI failure) returns the "fall back" answer, and the Kotlin method then
//!   runs its ordinary uniffi call, which raises the same `MfaException` with the same code and
//!   message. These calls are pure, so running one twice changes nothing.
//!
//! This is the only module of mfakit-uniffi with `unsafe` code (the crate denies it elsewhere;
//! see bindings/Cargo.toml): `#[no_mangle]` exports, the borrowed handle, and five JNI
//! functions (`GetStringLength`, `GetStringRegion`, `NewStringUTF`, `SetLongArrayRegion`),
//! each block with its SAFETY argument. No panic crosses: every export runs in `catch_unwind`.
#![allow(unsafe_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Arc;

use jni_sys::{jboolean, jchar, jclass, jint, jlong, jlongArray, jsize, jstring, JNIEnv};

use crate::challenge::{ChallengeKey, ChallengeVerdict, OtpChallenge};
use crate::otp::{Hotp, OtpMatch, Totp, Window};

/// Answer of the verify functions: take the uniffi path.
const FALLBACK: jint = -1;
/// Answer of the verify functions: a wrong, reused or out-of-window code (`null`).
const NO_MATCH: jint = 0;
/// Answer of the verify functions: a match, written to `out` as `[step, drift]`.
const MATCH: jint = 1;
/// Longer codes (the hostile-input tests pass megabytes) take the uniffi path.
const MAX_CODE: usize = 64;

/// Runs `f`, turning `None` and a panic into `fallback`.
fn shield<T>(fallback: T, f: impl FnOnce() -> Option<T>) -> T {
    // AssertUnwindSafe: the borrowed objects are immutable; a panic leaves nothing half-done.
    catch_unwind(AssertUnwindSafe(f))
        .ok()
        .flatten()
        .unwrap_or(fallback)
}

/// The object behind a uniffi handle, borrowed.
///
/// # Safety
///
/// `handle` is 0 or a handle uniffi made for a `T` (`Arc::into_raw`), and the Kotlin caller
/// keeps that reference alive until this call returns.
unsafe fn borrow<'a, T>(handle: jlong) -> Option<&'a T> {
    // A handle is the `Arc`'s pointer as a 64-bit integer (uniffi_core::Handle::from_arc).
    let ptr = handle as u64 as usize as *const T;
    // SAFETY: per this function's contract the pointer is null (None) or points to a live `T`.
    unsafe { ptr.as_ref() }
}

/// The Java string `code` as a Rust `String` if it is at most `MAX_CODE` ASCII characters
/// (then its UTF-8 is exactly what uniffi would pass), else `None`.
///
/// # Safety
///
/// `env` is the current thread's JNI environment and `code` a valid reference or null.
unsafe fn ascii(env: *mut JNIEnv, code: jstring) -> Option<String> {
    if code.is_null() {
        return None;
    }
    // SAFETY: `env` is valid per the contract; the JVM fills every slot of its function table.
    let table = unsafe { &**env };
    let (get_length, get_region) = (table.GetStringLength?, table.GetStringRegion?);
    // SAFETY: `code` is a valid, non-null string reference.
    let len = usize::try_from(unsafe { get_length(env, code) }).ok()?;
    if len > MAX_CODE {
        return None;
    }
    let mut wide: [jchar; MAX_CODE] = [0; MAX_CODE];
    // SAFETY: `0..len` is within the string and `wide` has room for `len <= MAX_CODE` chars.
    unsafe { get_region(env, code, 0, len as jsize, wide.as_mut_ptr()) };
    wide[..len]
        .iter()
        .map(|&c| u8::try_from(c).ok().filter(u8::is_ascii).map(char::from))
        .collect()
}

/// A new Java string holding `s`, or null (then a `NewStringUTF` failure is pending, or `s`
/// was not short NUL-free ASCII and the caller falls back).
///
/// # Safety
///
/// `env` is the current thread's JNI environment.
unsafe fn new_string(env: *mut JNIEnv, s: &str) -> Option<jstring> {
    let mut buf = [0u8; 32];
    if s.len() >= buf.len() || !s.bytes().all(|b| b != 0 && b.is_ascii()) {
        return None;
    }
    buf[..s.len()].copy_from_slice(s.as_bytes());
    // SAFETY: `env` is valid per the contract; the JVM fills every slot of its function table.
    let new_string_utf = unsafe { &**env }.NewStringUTF?;
    // SAFETY: `buf` is NUL-terminated, and NUL-free ASCII is valid modified UTF-8.
    let js = unsafe { new_string_utf(env, buf.as_ptr().cast()) };
    (!js.is_null()).then_some(js)
}

/// `MATCH` with `[step, drift]` written to `out`, or `NO_MATCH`.
///
/// # Safety
///
/// `env` is the current thread's JNI environment and `out` a valid `long[2]`.
unsafe fn answer(env: *mut JNIEnv, out: jlongArray, m: Option<OtpMatch>) -> Option<jint> {
    let Some(m) = m else {
        return Some(NO_MATCH);
    };
    let values = [m.step, m.drift];
    // SAFETY: `env` is valid per the contract; the JVM fills every slot of its function table.
    let set_region = unsafe { &**env }.SetLongArrayRegion?;
    // SAFETY: `out` is a `long[2]` (the Kotlin caller allocates it); `values` holds 2 longs.
    unsafe { set_region(env, out, 0, 2, values.as_ptr()) };
    Some(MATCH)
}

fn after(has_after: jboolean, after_step: jlong) -> Option<i64> {
    (has_after != 0).then_some(after_step)
}

/// `Totp.generateAt(unix)`; null means: take the uniffi path.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.totpGenerateAt` with a borrowed `Totp` handle.
#[no_mangle]
pub unsafe extern "system" fn Java_mfakit_MfakitJni_totpGenerateAt(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    unix: jlong,
) -> jstring {
    shield(ptr::null_mut(), || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Totp` handle.
        let code = unsafe { borrow::<Totp>(handle) }?.generate_at(unix).ok()?;
        // SAFETY: `env` is the calling thread's environment.
        unsafe { new_string(env, &code) }
    })
}

/// `Totp.generateStep(step)`; null means: take the uniffi path.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.totpGenerateStep` with a borrowed `Totp` handle.
#[no_mangle]
pub unsafe extern "system" fn Java_mfakit_MfakitJni_totpGenerateStep(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    step: jlong,
) -> jstring {
    shield(ptr::null_mut(), || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Totp` handle.
        let code = unsafe { borrow::<Totp>(handle) }?
            .generate_step(step)
            .ok()?;
        // SAFETY: `env` is the calling thread's environment.
        unsafe { new_string(env, &code) }
    })
}

/// `Totp.generateNow()`; null means: take the uniffi path.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.totpGenerateNow` with a borrowed `Totp` handle.
#[no_mangle]
pub unsafe extern "system" fn Java_mfakit_MfakitJni_totpGenerateNow(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
) -> jstring {
    shield(ptr::null_mut(), || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Totp` handle.
        let code = unsafe { borrow::<Totp>(handle) }?.generate_now().ok()?;
        // SAFETY: `env` is the calling thread's environment.
        unsafe { new_string(env, &code) }
    })
}

/// `Totp.verifyAt(code, unix, window, afterStep)`: `MATCH`, `NO_MATCH` or `FALLBACK`.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.totpVerifyAt` with a borrowed `Totp` handle and a
/// `long[2]`.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the JNI signature: environment, class, then the call's
pub unsafe extern "system" fn Java_mfakit_MfakitJni_totpVerifyAt(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    code: jstring,
    unix: jlong,
    behind: jint,
    ahead: jint,
    has_after: jboolean,
    after_step: jlong,
    out: jlongArray,
) -> jint {
    shield(FALLBACK, || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Totp` handle.
        let totp = unsafe { borrow::<Totp>(handle) }?;
        // SAFETY: `env` is the calling thread's environment, `code` a local reference.
        let code = unsafe { ascii(env, code) }?;
        let window = Window { behind, ahead };
        let m = totp
            .verify_at(code, unix, window, after(has_after, after_step))
            .ok()?;
        // SAFETY: `env` is the calling thread's environment, `out` a `long[2]`.
        unsafe { answer(env, out, m) }
    })
}

/// `Totp.verifyNow(code, window, afterStep)`: `MATCH`, `NO_MATCH` or `FALLBACK`.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.totpVerifyNow` with a borrowed `Totp` handle and a
/// `long[2]`.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the JNI signature: environment, class, then the call's
pub unsafe extern "system" fn Java_mfakit_MfakitJni_totpVerifyNow(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    code: jstring,
    behind: jint,
    ahead: jint,
    has_after: jboolean,
    after_step: jlong,
    out: jlongArray,
) -> jint {
    shield(FALLBACK, || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Totp` handle.
        let totp = unsafe { borrow::<Totp>(handle) }?;
        // SAFETY: `env` is the calling thread's environment, `code` a local reference.
        let code = unsafe { ascii(env, code) }?;
        let window = Window { behind, ahead };
        let m = totp
            .verify_now(code, window, after(has_after, after_step))
            .ok()?;
        // SAFETY: `env` is the calling thread's environment, `out` a `long[2]`.
        unsafe { answer(env, out, m) }
    })
}

/// `Hotp.generate(counter)`; null means: take the uniffi path.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.hotpGenerate` with a borrowed `Hotp` handle.
#[no_mangle]
pub unsafe extern "system" fn Java_mfakit_MfakitJni_hotpGenerate(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    counter: jlong,
) -> jstring {
    shield(ptr::null_mut(), || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Hotp` handle.
        let code = unsafe { borrow::<Hotp>(handle) }?.generate(counter).ok()?;
        // SAFETY: `env` is the calling thread's environment.
        unsafe { new_string(env, &code) }
    })
}

/// `Hotp.verify(code, counter, lookAhead)`: `MATCH`, `NO_MATCH` or `FALLBACK`.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.hotpVerify` with a borrowed `Hotp` handle and a
/// `long[2]`.
#[no_mangle]
pub unsafe extern "system" fn Java_mfakit_MfakitJni_hotpVerify(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    code: jstring,
    counter: jlong,
    look_ahead: jint,
    out: jlongArray,
) -> jint {
    shield(FALLBACK, || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Hotp` handle.
        let hotp = unsafe { borrow::<Hotp>(handle) }?;
        // SAFETY: `env` is the calling thread's environment, `code` a local reference.
        let code = unsafe { ascii(env, code) }?;
        let m = hotp.verify(code, counter, look_ahead).ok()?;
        // SAFETY: `env` is the calling thread's environment, `out` a `long[2]`.
        unsafe { answer(env, out, m) }
    })
}

/// `unixNow()`, the per-call floor: no object, no string.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.unixNow`.
#[no_mangle]
pub unsafe extern "system" fn Java_mfakit_MfakitJni_unixNow(
    _env: *mut JNIEnv,
    _class: jclass,
) -> jlong {
    shield(-1, || Some(crate::otp::unix_now()))
}

/// An `Arc` of the object behind a borrowed uniffi handle (for adapter methods taking `Arc`).
///
/// # Safety
///
/// As for [`borrow`]: `handle` is 0 or a live uniffi handle of a `T` that the caller keeps
/// alive until this call returns.
unsafe fn borrow_arc<T>(handle: jlong) -> Option<Arc<T>> {
    let ptr = handle as u64 as usize as *const T;
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` came from `Arc::into_raw` (uniffi_core::Handle::from_arc) and its count is
    // held by the caller; the new count is given back when the returned `Arc` drops.
    unsafe {
        Arc::increment_strong_count(ptr);
        Some(Arc::from_raw(ptr))
    }
}

/// `OtpChallenge.verify(key, input, now)`: `MATCH` with `[verdict, attemptsLeft, handle]` in
/// `out` (verdict 0 accepted, 1 wrong, 2 expired, 3 exhausted, 4 used; `handle` the updated
/// challenge's new uniffi handle, owned by the caller), or `FALLBACK`.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.challengeVerify` with borrowed `OtpChallenge` and
/// `ChallengeKey` handles and a `long[3]`.
#[no_mangle]
pub unsafe extern "system" fn Java_mfakit_MfakitJni_challengeVerify(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    key: jlong,
    input: jstring,
    now: jlong,
    out: jlongArray,
) -> jint {
    shield(FALLBACK, || {
        // SAFETY: the Kotlin caller passes a live, borrowed `OtpChallenge` handle.
        let challenge = unsafe { borrow::<OtpChallenge>(handle) }?;
        // SAFETY: the Kotlin caller passes a live, borrowed `ChallengeKey` handle.
        let key = unsafe { borrow_arc::<ChallengeKey>(key) }?;
        // SAFETY: `env` is the calling thread's environment, `input` a local reference.
        let input = unsafe { ascii(env, input) }?;
        let v = challenge.verify(key, input, now).ok()?;
        let (kind, attempts_left) = match v.verdict {
            ChallengeVerdict::Accepted => (0, 0),
            ChallengeVerdict::Wrong { attempts_left } => (1, attempts_left),
            ChallengeVerdict::Expired => (2, 0),
            ChallengeVerdict::Exhausted => (3, 0),
            ChallengeVerdict::Used => (4, 0),
        };
        // SAFETY: `env` is valid per the contract; the JVM fills every slot of its function table.
        let set_region = unsafe { &**env }.SetLongArrayRegion?;
        // The new challenge becomes a uniffi handle, as uniffi's own lowering does
        // (Handle::from_arc); the Kotlin caller wraps it in an `OtpChallenge` that frees it.
        let new_handle = Arc::into_raw(v.challenge) as usize as u64 as jlong;
        let values = [kind, jlong::from(attempts_left), new_handle];
        // SAFETY: `out` is a `long[3]` (the Kotlin caller allocates it); `values` holds 3 longs.
        unsafe { set_region(env, out, 0, 3, values.as_ptr()) };
        Some(MATCH)
    })
}
