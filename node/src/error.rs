//! The one place where core errors (and caught panics) become JavaScript exceptions.
//!
//! Every exception mfakit throws is an instance of the JS class `MfaError` (defined in
//! `lib/index.js`, which hands it to [`register_error_class`] when the package loads) with a
//! stable `code` from `MfaError::ALL_CODES`. The class is kept per JS thread (main thread and
//! each worker have their own), so a thread-local is the right home for the reference.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use mfakit_core::MfaError;
use napi::bindgen_prelude::{
    FnArgs, Function, FunctionRef, JsObjectValue, Object, ToNapiValue, TypeName, Unknown,
};
use napi::{Env, JsError, JsValue, Task};
use napi_derive::napi;

type ErrorClass = FunctionRef<FnArgs<(String, String)>, ()>;

thread_local! {
    static ERROR_CLASS: RefCell<Option<ErrorClass>> = const { RefCell::new(None) };
}

/// Remembers the JS `MfaError` class so that [`map_error`] can construct its instances.
#[napi(js_name = "__registerErrorClass", skip_typescript)]
pub fn register_error_class(class: Function<FnArgs<(String, String)>, ()>) -> napi::Result<()> {
    let class = class.create_ref()?;
    ERROR_CLASS.with(|slot| *slot.borrow_mut() = Some(class));
    Ok(())
}

/// The stable error codes, in the order of the core's `MfaError::ALL_CODES`.
#[napi(skip_typescript)]
pub fn error_codes() -> Vec<&'static str> {
    MfaError::ALL_CODES.to_vec()
}

/// Converts a core error into the JS exception to throw: `new MfaError(message, code)`, plus
/// `retryAfter` (seconds) for `rate_limited`. Falls back to a plain `Error` with the same
/// `code` if the class was never registered (the generated loader used on its own).
pub(crate) fn map_error(env: &Env, err: MfaError) -> napi::Error {
    let (message, code) = (err.to_string(), err.code());
    let built = ERROR_CLASS.with(|slot| -> napi::Result<Option<napi::Error>> {
        let slot = slot.borrow();
        let Some(class) = slot.as_ref() else {
            return Ok(None);
        };
        let class = class.borrow_back(env)?;
        let value = class.new_instance(FnArgs::from((message.clone(), code.to_owned())))?;
        Ok(Some(finish(&err, to_object(value)?)))
    });
    match built {
        Ok(Some(error)) => error,
        // Not registered, or the constructor itself threw: a plain Error with the same code.
        _ => {
            let plain = JsError::from(napi::Error::new(code, message)).into_unknown(*env);
            match to_object(plain) {
                Ok(object) => finish(&err, object),
                Err(e) => e,
            }
        }
    }
}

/// Adds `retryAfter` (seconds) for `rate_limited`, and wraps the object for napi to throw.
fn finish(err: &MfaError, mut object: Object<'_>) -> napi::Error {
    if let MfaError::RateLimited { retry_after } = err {
        // Best effort: the code alone already tells the caller what happened.
        let _ = object.set_named_property("retryAfter", retry_after.as_secs_f64());
    }
    napi::Error::from(object.to_unknown())
}

fn to_object(value: Unknown<'_>) -> napi::Result<Object<'_>> {
    // `Object::from_unknown` checks the type (napi_typeof) instead of trusting it.
    napi::bindgen_prelude::FromNapiValue::from_unknown(value)
}

/// Runs a core call, turning its error and any panic into an `MfaError` exception: no panic
/// may unwind into Node (it would abort the process).
pub(crate) fn guard<T>(env: &Env, f: impl FnOnce() -> mfakit_core::Result<T>) -> napi::Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(map_error(env, err)),
        Err(payload) => Err(map_error(env, panic_error(payload.as_ref()))),
    }
}

/// The `internal` error for a caught panic. Panic messages of the core never contain secrets
/// (they are invariant violations such as an index out of range).
pub(crate) fn panic_error(payload: &(dyn std::any::Any + Send)) -> MfaError {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    MfaError::Internal {
        reason: format!("Rust panic: {detail}"),
    }
}

/// Test-only: panics inside [`guard`] to show that a panic becomes `MfaError` code `internal`.
#[napi(js_name = "__debugPanic", skip_typescript)]
pub fn debug_panic(env: Env) -> napi::Result<()> {
    guard(&env, || -> mfakit_core::Result<()> {
        panic!("deliberate panic from __debugPanic")
    })
}

/// At most one CPU-bound task per core but one runs at a time, so that the event loop's thread
/// keeps a core: libuv's pool has 4 threads, and on a 2-core machine 4 argon2 evaluations at
/// once pushed the loop's p99 lag past 10 ms. Waiting tasks sleep on the pool thread they
/// would occupy anyway.
struct CpuPermit;

static RUNNING: std::sync::Mutex<usize> = std::sync::Mutex::new(0);
static RELEASED: std::sync::Condvar = std::sync::Condvar::new();

impl CpuPermit {
    fn limit() -> usize {
        static LIMIT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        *LIMIT.get_or_init(|| {
            std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
        })
    }

    fn acquire() -> CpuPermit {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        while *running >= Self::limit() {
            running = RELEASED.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += 1;
        CpuPermit
    }
}

impl Drop for CpuPermit {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        *running = running.saturating_sub(1);
        RELEASED.notify_one();
    }
}

/// Slow core work (argon2id) for the libuv thread pool, behind a promise.
///
/// napi's `AsyncTask` turns an error from `compute` into a generic one, losing the code, so
/// the core error is kept here and mapped in `reject`, on the JS thread, into the same
/// `MfaError` the synchronous form throws. Panics are caught as in [`guard`].
pub struct Work<T: Send + 'static, J> {
    job: Option<Box<dyn FnOnce() -> mfakit_core::Result<T> + Send>>,
    finish: fn(T) -> J,
    error: Option<MfaError>,
    cpu_bound: bool,
}

impl<T: Send + 'static, J> Work<T, J> {
    /// CPU-bound work (argon2id): runs under a [`CpuPermit`].
    pub(crate) fn new(
        job: impl FnOnce() -> mfakit_core::Result<T> + Send + 'static,
        finish: fn(T) -> J,
    ) -> Self {
        Work::with(job, finish, true)
    }

    /// Work that is mostly waiting (a store round trip) when `cpu_bound` is false: it takes no
    /// [`CpuPermit`], so that one slow database answer does not hold up the other requests.
    pub(crate) fn with(
        job: impl FnOnce() -> mfakit_core::Result<T> + Send + 'static,
        finish: fn(T) -> J,
        cpu_bound: bool,
    ) -> Self {
        Work {
            job: Some(Box::new(job)),
            finish,
            error: None,
            cpu_bound,
        }
    }
}

impl<T: Send + 'static, J: ToNapiValue + TypeName> Task for Work<T, J> {
    type Output = T;
    type JsValue = J;

    fn compute(&mut self) -> napi::Result<T> {
        let Some(job) = self.job.take() else {
            return Err(napi::Error::from_reason("mfakit task ran twice"));
        };
        let _permit = self.cpu_bound.then(CpuPermit::acquire);
        let failed = match catch_unwind(AssertUnwindSafe(job)) {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(err)) => err,
            Err(payload) => panic_error(payload.as_ref()),
        };
        self.error = Some(failed);
        // Replaced in `reject` by the coded error kept above.
        Err(napi::Error::from_reason("mfakit task failed"))
    }

    fn resolve(&mut self, _env: Env, output: T) -> napi::Result<J> {
        Ok((self.finish)(output))
    }

    fn reject(&mut self, env: Env, err: napi::Error) -> napi::Result<J> {
        match self.error.take() {
            Some(coded) => Err(map_error(&env, coded)),
            None => Err(err),
        }
    }
}

/// Test-only: a promise whose work panics on the thread pool, to show it rejects with
/// `MfaError` code `internal`.
#[napi(js_name = "__debugPanicAsync", skip_typescript)]
pub fn debug_panic_async() -> napi::bindgen_prelude::AsyncTask<Work<(), ()>> {
    napi::bindgen_prelude::AsyncTask::new(Work::new(
        || -> mfakit_core::Result<()> { panic!("deliberate panic from __debugPanicAsync") },
        |()| (),
    ))
}
