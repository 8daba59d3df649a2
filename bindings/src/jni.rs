//! The hot calls of `Totp`, `Hotp`, `OtpChallenge` and `Mfa`, and `unixNow()`, through JNI
//! (Kotlin on the JVM and Android; Swift stays on uniffi).
//!
//! uniffi 0.32's Kotlin crosses through JNA: a JNA `Structure` for the call status per call,
//! a handle clone, `RustBuffer`s for strings. That costs tens of microseconds per call
//! (bindings/README.md, "Where the time goes"), far more than an HMAC. These functions let the
//! generated Kotlin classes (patched by `kotlin/jni/PatchJni.java`) take a shortcut:
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
//! The service's `Mfa.verify` is not pure (it spends attempts and consumes challenges), so it
//! falls back only *before* it runs (an argument that is not short ASCII, a JNI failure). Once
//! it has run, its result, `Verification` or `MfaError`, is written with uniffi's own
//! serialization (the bytes uniffi's export would put in its return or error buffer) into a
//! `byte[]`, which the Kotlin side reads with uniffi's generated converters: the same record,
//! or the same `MfaException` subclass with the same fields, without a second run.
//!
//! This is the only module of mfakit-uniffi with `unsafe` code (the crate denies it elsewhere;
//! see bindings/Cargo.toml): `#[no_mangle]` exports, the borrowed handle, and a few JNI
//! functions (`GetStringLength`, `GetStringRegion`, `NewStringUTF`, `SetLongArrayRegion`,
//! `NewByteArray`, `SetByteArrayRegion`, `ThrowNew`), each block with its SAFETY argument. No
//! panic crosses: every export runs in `catch_unwind`.
#![allow(unsafe_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Arc;

use jni_sys::{
    jboolean, jbyte, jbyteArray, jchar, jclass, jint, jlong, jlongArray, jsize, jstring, JNIEnv,
};

use crate::account::{Method, Mfa, Verification};
use crate::challenge::{ChallengeKey, ChallengeVerdict, OtpChallenge};
use crate::error::MfaError;
use crate::otp::{Hotp, OtpMatch, Totp, Window};
use crate::UniFfiTag;

/// Answer of `challengeVerify`: take the uniffi path.
const FALLBACK: jint = -1;
/// Answer of `challengeVerify`: the verification, written to `out`.
const MATCH: jint = 1;
/// Answer of the OTP verify functions: take the uniffi path.
const PACKED_FALLBACK: jlong = -1;
/// Answer of the OTP verify functions: a wrong, reused or out-of-window code (`null`).
const PACKED_NO_MATCH: jlong = -2;
// A match crosses as one non-negative `long`, the core's `OtpMatch::packed` form (the one
// node/src/otp.rs uses): allocating and filling a `long[2]` per call cost more than the rest
// of the crossing. A match that does not pack below 2^63 (an HOTP counter near
// `Long.MAX_VALUE`) takes the uniffi path. The patched Kotlin (kotlin/jni/PatchJni.java)
// unpacks it with the same two constants.
/// Longer codes (the hostile-input tests pass megabytes) take the uniffi path.
const MAX_CODE: usize = 64;
/// Longer challenge ids take the uniffi path (the core refuses ids over 1024 bytes).
const MAX_ID: usize = 1024;
/// First byte of `mfaVerify`'s answer: the rest is a `Verification` ...
const SERVICE_OK: u8 = 0;
/// ... or an `MfaError`, both in uniffi's serialization.
const SERVICE_ERR: u8 = 1;

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

/// The Java string `code` as a Rust `String` if it is at most `max` ASCII characters (then its
/// UTF-8 is exactly what uniffi would pass), else `None`.
///
/// # Safety
///
/// `env` is the current thread's JNI environment and `code` a valid reference or null.
unsafe fn ascii(env: *mut JNIEnv, code: jstring, max: usize) -> Option<String> {
    if code.is_null() {
        return None;
    }
    // SAFETY: `env` is valid per the contract; the JVM fills every slot of its function table.
    let table = unsafe { &**env };
    let (get_length, get_region) = (table.GetStringLength?, table.GetStringRegion?);
    // SAFETY: `code` is a valid, non-null string reference.
    let len = usize::try_from(unsafe { get_length(env, code) }).ok()?;
    if len > max {
        return None;
    }
    let mut stack: [jchar; MAX_CODE] = [0; MAX_CODE];
    let mut heap = Vec::new();
    let wide = if len <= MAX_CODE {
        &mut stack[..len]
    } else {
        heap.resize(len, 0);
        &mut heap[..]
    };
    // SAFETY: `0..len` is within the string and `wide` holds exactly `len` chars.
    unsafe { get_region(env, code, 0, len as jsize, wide.as_mut_ptr()) };
    // One allocation of the exact size (collecting chars into a `String` grows it step by step).
    let mut bytes = Vec::with_capacity(len);
    for &c in wide.iter() {
        bytes.push(u8::try_from(c).ok().filter(u8::is_ascii)?);
    }
    String::from_utf8(bytes).ok()
}

/// Most digits a code may have to cross as a number (10^18 - 1 fits in a `long`).
const MAX_DIGITS: usize = 18;

/// The typed code: `code` if it is not null (see [`ascii`]), else the `length` ASCII digits of
/// `digits`, with leading zeros. The patched Kotlin passes a code of 1 to 18 ASCII digits (the
/// usual case) as that number, which saves two JNI calls and the copy of the string; anything
/// else as the string.
///
/// # Safety
///
/// As for [`ascii`].
unsafe fn typed(env: *mut JNIEnv, code: jstring, digits: jlong, length: jint) -> Option<String> {
    if !code.is_null() {
        // SAFETY: per this function's contract.
        return unsafe { ascii(env, code, MAX_CODE) };
    }
    let len = usize::try_from(length)
        .ok()
        .filter(|l| (1..=MAX_DIGITS).contains(l))?;
    let mut rest = u64::try_from(digits).ok()?;
    let mut buf = [b'0'; MAX_DIGITS];
    for b in buf[..len].iter_mut().rev() {
        // `rest % 10 < 10`: the cast is exact.
        *b += (rest % 10) as u8;
        rest /= 10;
    }
    // More digits than `length`: not a number the Kotlin side made; take the uniffi path.
    if rest != 0 {
        return None;
    }
    std::str::from_utf8(&buf[..len]).ok().map(str::to_owned)
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

/// A verify answer: the packed match (`OtpMatch::packed` in the core), `PACKED_NO_MATCH`, or
/// `None` (fall back) for a match that does not pack.
fn packed(m: Option<OtpMatch>) -> Option<jlong> {
    let Some(m) = m else {
        return Some(PACKED_NO_MATCH);
    };
    let core = mfakit_core::OtpMatch {
        step: u64::try_from(m.step).ok()?,
        drift: m.drift,
    };
    jlong::try_from(core.packed()?).ok()
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

/// `Totp.verifyAt(code, unix, window, afterStep)`: a packed match, `PACKED_NO_MATCH` or
/// `PACKED_FALLBACK`.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.totpVerifyAt` with a borrowed `Totp` handle.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the JNI signature: environment, class, then the call's
pub unsafe extern "system" fn Java_mfakit_MfakitJni_totpVerifyAt(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    code: jstring,
    digits: jlong,
    length: jint,
    unix: jlong,
    behind: jint,
    ahead: jint,
    has_after: jboolean,
    after_step: jlong,
) -> jlong {
    shield(PACKED_FALLBACK, || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Totp` handle.
        let totp = unsafe { borrow::<Totp>(handle) }?;
        // SAFETY: `env` is the calling thread's environment, `code` a local reference.
        let code = unsafe { typed(env, code, digits, length) }?;
        let window = Window { behind, ahead };
        let m = totp
            .verify_at(code, unix, window, after(has_after, after_step))
            .ok()?;
        packed(m)
    })
}

/// `Totp.verifyNow(code, window, afterStep)`: a packed match, `PACKED_NO_MATCH` or
/// `PACKED_FALLBACK`.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.totpVerifyNow` with a borrowed `Totp` handle.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the JNI signature: environment, class, then the call's
pub unsafe extern "system" fn Java_mfakit_MfakitJni_totpVerifyNow(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    code: jstring,
    digits: jlong,
    length: jint,
    behind: jint,
    ahead: jint,
    has_after: jboolean,
    after_step: jlong,
) -> jlong {
    shield(PACKED_FALLBACK, || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Totp` handle.
        let totp = unsafe { borrow::<Totp>(handle) }?;
        // SAFETY: `env` is the calling thread's environment, `code` a local reference.
        let code = unsafe { typed(env, code, digits, length) }?;
        let window = Window { behind, ahead };
        let m = totp
            .verify_now(code, window, after(has_after, after_step))
            .ok()?;
        packed(m)
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

/// `Hotp.verify(code, counter, lookAhead)`: a packed match, `PACKED_NO_MATCH` or
/// `PACKED_FALLBACK`.
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.hotpVerify` with a borrowed `Hotp` handle.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the JNI signature: environment, class, then the call's
pub unsafe extern "system" fn Java_mfakit_MfakitJni_hotpVerify(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    code: jstring,
    digits: jlong,
    length: jint,
    counter: jlong,
    look_ahead: jint,
) -> jlong {
    shield(PACKED_FALLBACK, || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Hotp` handle.
        let hotp = unsafe { borrow::<Hotp>(handle) }?;
        // SAFETY: `env` is the calling thread's environment, `code` a local reference.
        let code = unsafe { typed(env, code, digits, length) }?;
        let m = hotp.verify(code, counter, look_ahead).ok()?;
        packed(m)
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
        let input = unsafe { ascii(env, input, MAX_CODE) }?;
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

/// The `Method` with this Kotlin `ordinal` (the declaration order in account.rs, which uniffi
/// keeps), or `None`.
fn method(ordinal: jint) -> Option<Method> {
    Some(match ordinal {
        0 => Method::Totp,
        1 => Method::Email,
        2 => Method::Sms,
        3 => Method::RecoveryCode,
        _ => return None,
    })
}

/// `SERVICE_OK` and the `Verification`, or `SERVICE_ERR` and the `MfaError`, each written by
/// uniffi's own `Lower::write`: the bytes uniffi's export puts in its return buffer or, for an
/// error, in the call status's error buffer (`LowerError` is `lower_into_rust_buffer`).
fn service_answer(result: Result<Verification, MfaError>) -> Vec<u8> {
    let mut buf = Vec::with_capacity(128);
    match result {
        Ok(v) => {
            buf.push(SERVICE_OK);
            <Verification as uniffi::Lower<UniFfiTag>>::write(v, &mut buf);
        }
        Err(e) => {
            buf.push(SERVICE_ERR);
            <MfaError as uniffi::Lower<UniFfiTag>>::write(e, &mut buf);
        }
    }
    buf
}

/// A new Java `byte[]` holding `bytes` (null with an `OutOfMemoryError` pending, which the JVM
/// throws on return), or `None` without anything pending.
///
/// # Safety
///
/// `env` is the current thread's JNI environment.
unsafe fn byte_array(env: *mut JNIEnv, bytes: &[u8]) -> Option<jbyteArray> {
    // SAFETY: `env` is valid per the contract; the JVM fills every slot of its function table.
    let table = unsafe { &**env };
    let (new_array, set_region) = (table.NewByteArray?, table.SetByteArrayRegion?);
    let len = jsize::try_from(bytes.len()).ok()?;
    // SAFETY: `env` is the calling thread's environment.
    let array = unsafe { new_array(env, len) };
    if !array.is_null() {
        // SAFETY: `array` is a new `byte[len]` and `bytes` holds `len` bytes.
        unsafe { set_region(env, array, 0, len, bytes.as_ptr().cast::<jbyte>()) };
    }
    Some(array)
}

/// Throws a `java.lang.IllegalStateException` saying that a service call ran but its result
/// was lost: the one failure after which falling back (running the call again) would be wrong.
///
/// # Safety
///
/// `env` is the current thread's JNI environment.
unsafe fn throw_lost(env: *mut JNIEnv) {
    // SAFETY: `env` is valid per the contract; the JVM fills every slot of its function table.
    let table = unsafe { &**env };
    let (Some(find_class), Some(throw_new)) = (table.FindClass, table.ThrowNew) else {
        return;
    };
    // SAFETY: a NUL-terminated class name in the JNI's slash form.
    let class = unsafe { find_class(env, c"java/lang/IllegalStateException".as_ptr()) };
    if !class.is_null() {
        let msg = c"mfakit: the service call ran, but its result could not be handed back";
        // SAFETY: `class` is a Throwable class, `msg` a NUL-terminated ASCII string.
        unsafe { throw_new(env, class, msg.as_ptr()) };
    }
}

/// `Mfa.verify(challengeId, method, code)`: null means "take the uniffi path" and is answered
/// only before the verification runs; otherwise a `byte[]`, see [`service_answer`].
///
/// # Safety
///
/// Called by the JVM for `mfakit.MfakitJni.mfaVerify` with a borrowed `Mfa` handle.
#[no_mangle]
pub unsafe extern "system" fn Java_mfakit_MfakitJni_mfaVerify(
    env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
    challenge_id: jstring,
    method_ordinal: jint,
    code: jstring,
) -> jbyteArray {
    // Before the verification: any doubt falls back, and nothing has happened yet.
    let args = shield(None, || {
        // SAFETY: the Kotlin caller passes a live, borrowed `Mfa` handle.
        let mfa = unsafe { borrow::<Mfa>(handle) }?;
        // SAFETY: `env` is the calling thread's environment, the strings local references.
        let id = unsafe { ascii(env, challenge_id, MAX_ID) }?;
        // SAFETY: as above.
        let code = unsafe { ascii(env, code, MAX_CODE) }?;
        Some(Some((mfa, id, method(method_ordinal)?, code)))
    });
    let Some((mfa, id, method, code)) = args else {
        return ptr::null_mut();
    };
    // The verification has run once this returns (a panic inside it is `MfaError::Internal`, as
    // on the uniffi path: `Mfa::verify` runs in `guard`). From here on, never fall back.
    let result = mfa.verify(id, method, code);
    // AssertUnwindSafe: `result` is consumed; nothing is shared.
    let answer = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `env` is the calling thread's environment.
        unsafe { byte_array(env, &service_answer(result)) }
    }));
    match answer {
        Ok(Some(array)) => array,
        _ => {
            // SAFETY: `env` is the calling thread's environment.
            unsafe { throw_lost(env) };
            ptr::null_mut()
        }
    }
}
