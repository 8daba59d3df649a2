//! Recovery (backup) codes: one argon2id evaluation per check, whatever the size of the set,
//! without sharing a salt between codes.
//!
//! # Codes
//!
//! A code is 12 characters of Crockford's base32 alphabet (`0-9 a-z` without `i l o u`), shown
//! in three groups: `k7m2-px9q-4rtv`. The first character is the code's public **slot id**,
//! distinct within a set; the other 11 carry 55 bits of secret entropy from the OS CSPRNG.
//! Input is normalised before checking: case is ignored, spaces and hyphens are dropped, and
//! the confusable letters map as in Crockford's scheme (`o` → `0`, `i` and `l` → `1`), which
//! is safe because `o`, `i` and `l` never appear in a code.
//!
//! # Why one argon2id per check
//!
//! The common design keeps one PHC hash per code and, on a check, verifies the input against
//! each in turn: ten codes cost ten argon2 evaluations. Sharing one salt across the set would
//! allow a single evaluation, but then an offline attacker who steals the set tests every guess
//! against all codes at once, which is exactly what salting prevents.
//!
//! mfakit keeps one salt per code and lets the code say which one to use: the slot id (its
//! first character) selects the slot's own salt and hash, so a check is exactly one argon2id
//! evaluation (RFC 9106) and a guess offline still meets one salted hash. The slot id is not
//! secret (it is written in the stored form) and is not counted in the 55 bits. When the slot
//! does not exist or its code has been used, the check still runs argon2id once, with a fixed
//! dummy salt, so timing does not tell an online attacker which slots are live. The comparison
//! is constant-time ([`subtle`]). Input that does not normalise to 12 alphabet characters is
//! refused without hashing; its timing reveals only what the caller typed.
//!
//! # Stored form
//!
//! One line, self-describing and versioned:
//!
//! ```text
//! mfakit:recovery:v1:argon2id:m=19456,t=2,p=1:<slot>.<salt>.<hash>;<slot>.<salt>.<hash>;...
//! ```
//!
//! `m` (KiB), `t` and `p` are the argon2id parameters (version 0x13, 32-byte output); each entry
//! is a slot id, its 16-byte salt and the 32-byte argon2id output of the whole normalised
//! 12-character code, both unpadded base64url. A used code's entry is removed; an empty list
//! (the line ending in `:`) is a set with no codes left.

use std::fmt;
use std::sync::{Condvar, Mutex, OnceLock};

use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use rand::{CryptoRng, Rng, RngCore};
use serde::{Deserialize, Serialize};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{MfaError, Result};
use crate::limiter::parse_num;
use crate::otp::MAX_CODE_INPUT_LEN;
use crate::sealed::{b64d, b64e_into};

/// Crockford's base32 alphabet in lower case: no `i`, `l`, `o`, `u`.
pub const RECOVERY_ALPHABET: &str = "0123456789abcdefghjkmnpqrstvwxyz";
/// Characters in a code: one slot id and [`RECOVERY_SECRET_CHARS`] secret ones.
pub const RECOVERY_CODE_CHARS: usize = 12;
/// Secret characters per code: 11 × 5 = 55 bits.
pub const RECOVERY_SECRET_CHARS: usize = RECOVERY_CODE_CHARS - 1;
const SALT_LEN: usize = 16;
const HASH_LEN: usize = 32;
const DUMMY_SALT: [u8; SALT_LEN] = *b"mfakit-no-slot!!";
const PREFIX: &str = "mfakit:recovery:v1:argon2id:";

/// A counting semaphore over argon2 evaluations: at most one per core run at once in this
/// process, whatever the number of threads calling (a web server's pool, libuv's, a Python
/// executor). More would only queue for the CPU while each holds its working memory, so a
/// burst of checks (or of hostile stored sets at the maximum cost) costs at most
/// `cores × m` of memory at a time.
struct EvaluationSlots {
    free: Mutex<usize>,
    freed: Condvar,
}

static EVALUATIONS: OnceLock<EvaluationSlots> = OnceLock::new();

/// Evaluations allowed at once: the available parallelism (1 if unknown).
pub fn max_concurrent_evaluations() -> usize {
    evaluation_slots_total()
}

fn evaluation_slots_total() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

struct EvaluationPermit(&'static EvaluationSlots);

impl EvaluationPermit {
    fn acquire() -> EvaluationPermit {
        let slots = EVALUATIONS.get_or_init(|| EvaluationSlots {
            free: Mutex::new(evaluation_slots_total()),
            freed: Condvar::new(),
        });
        // A poisoned lock only means a thread panicked while counting: the count is intact.
        let mut free = slots.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = slots.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        EvaluationPermit(slots)
    }
}

impl Drop for EvaluationPermit {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(|e| e.into_inner());
        *free += 1;
        self.0.freed.notify_one();
    }
}

/// argon2id cost parameters for recovery codes (RFC 9106 section 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct RecoveryParams {
    /// Memory in KiB (default 19456, OWASP's argon2id recommendation).
    pub m_cost_kib: u32,
    /// Passes (default 2).
    pub t_cost: u32,
    /// Lanes (default 1).
    pub p_cost: u32,
}

impl Default for RecoveryParams {
    fn default() -> Self {
        RecoveryParams {
            m_cost_kib: 19_456,
            t_cost: 2,
            p_cost: 1,
        }
    }
}

impl RecoveryParams {
    /// Largest memory cost accepted: 256 MiB, ten times OWASP's recommendation, also when
    /// reading a stored set, so that a hostile stored value cannot make one check allocate
    /// more.
    pub const MAX_M_COST_KIB: u32 = 256 * 1024;
    /// Largest time cost accepted.
    pub const MAX_T_COST: u32 = 10;
    /// Largest parallelism (lanes) accepted. Lanes split the memory, they add no cost.
    pub const MAX_P_COST: u32 = 16;
    /// Largest `m_cost_kib × t_cost`: the work of one check (blocks filled), here four passes
    /// over 256 MiB or 53 over the default 19 MiB; about a second of CPU on a 2020s core.
    pub const MAX_WORK_KIB: u64 = 4 * 256 * 1024;

    /// Checks the ranges: `p` 1..=16, `t` 1..=10, `m` from `8·p` to 262144 (256 MiB) and
    /// `m·t` at most 1048576. Beyond them is [`MfaError::InvalidParameter`] (and
    /// [`MfaError::InvalidStoredValue`] from [`RecoveryCodeSet::from_stored`]).
    pub fn validate(&self) -> Result<()> {
        if !(1..=Self::MAX_P_COST).contains(&self.p_cost) {
            return Err(MfaError::param("p_cost", "must be between 1 and 16"));
        }
        if !(1..=Self::MAX_T_COST).contains(&self.t_cost) {
            return Err(MfaError::param("t_cost", "must be between 1 and 10"));
        }
        if !(8 * self.p_cost..=Self::MAX_M_COST_KIB).contains(&self.m_cost_kib) {
            return Err(MfaError::param(
                "m_cost_kib",
                "must be between 8·p_cost and 262144 (256 MiB)",
            ));
        }
        if u64::from(self.m_cost_kib) * u64::from(self.t_cost) > Self::MAX_WORK_KIB {
            return Err(MfaError::param(
                "t_cost",
                "m_cost_kib × t_cost must be at most 1048576",
            ));
        }
        Ok(())
    }

    /// One argon2id evaluation (version 0x13, 32-byte tag) into `out`, once a permit of
    /// [`EvaluationPermit`] is free.
    ///
    /// One lane (the default): libsodium, through `mfakit-argon2`. More lanes: RustCrypto's
    /// `argon2` (libsodium's public API has one lane only), lanes filled on this thread. Both
    /// wipe their working memory before returning.
    fn hash_into(
        &self,
        password: &[u8],
        salt: &[u8; SALT_LEN],
        out: &mut [u8; HASH_LEN],
    ) -> Result<()> {
        self.validate()?;
        let _permit = EvaluationPermit::acquire();
        if self.p_cost == 1 {
            mfakit_argon2::argon2id(password, salt, self.t_cost, self.m_cost_kib, out).map_err(
                |e| MfaError::Internal {
                    reason: format!("argon2: {e}"),
                },
            )
        } else {
            let params =
                argon2::Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(HASH_LEN))
                    .map_err(|e| MfaError::param("argon2", e.to_string()))?;
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                .hash_password_into(password, salt, out)
                .map_err(|e| MfaError::Internal {
                    reason: format!("argon2: {e}"),
                })
        }
    }
}

/// One generated recovery code, in display form (`k7m2-px9q-4rtv`). Wiped on drop; `Debug`
/// prints `RecoveryCode(<redacted>)`.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct RecoveryCode {
    display: String,
}

impl RecoveryCode {
    /// The code grouped for display, `xxxx-xxxx-xxxx`.
    pub fn as_str(&self) -> &str {
        &self.display
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

/// A freshly generated set: the codes to show the user once, and the set to persist.
#[derive(Debug, Clone)]
pub struct NewRecoveryCodes {
    /// The codes, to be shown once and never stored.
    pub codes: Vec<RecoveryCode>,
    /// The hashed set to persist (see [`RecoveryCodeSet::to_stored`]).
    pub set: RecoveryCodeSet,
}

/// The result of [`RecoveryCodeSet::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryCheck {
    /// Whether the code was one of the set's unused codes.
    pub accepted: bool,
    /// Codes left after this check.
    pub remaining: usize,
    /// The set to persist: without the used code when `accepted`, unchanged otherwise.
    pub set: RecoveryCodeSet,
}

#[derive(Clone, PartialEq, Eq)]
struct Slot {
    id: u8,
    salt: [u8; SALT_LEN],
    hash: [u8; HASH_LEN],
}

/// A stored set of recovery codes: argon2id parameters and one salted hash per unused code.
///
/// Serde (de)serialises it as its stored string, validated on the way in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RecoveryCodeSet {
    params: RecoveryParams,
    slots: Vec<Slot>,
}

impl fmt::Debug for RecoveryCodeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveryCodeSet")
            .field("params", &self.params)
            .field("remaining", &self.slots.len())
            .finish()
    }
}

/// Normalises what a user typed into the 12-character compact form, or `None` when it is not
/// a possible code: lower-cases, drops spaces, tabs and hyphens, maps `o` → `0` and
/// `i`, `l` → `1`.
pub fn normalize_recovery_code(input: &str) -> Option<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(RECOVERY_CODE_CHARS));
    for c in input.chars() {
        let c = match c.to_ascii_lowercase() {
            ' ' | '\t' | '-' => continue,
            'o' => '0',
            'i' | 'l' => '1',
            c if RECOVERY_ALPHABET.contains(c) => c,
            _ => return None,
        };
        if out.len() == RECOVERY_CODE_CHARS {
            return None;
        }
        out.push(c);
    }
    (out.len() == RECOVERY_CODE_CHARS).then_some(out)
}

fn group(compact: &str) -> String {
    format!("{}-{}-{}", &compact[..4], &compact[4..8], &compact[8..])
}

fn is_slot_id(b: u8) -> bool {
    RECOVERY_ALPHABET.as_bytes().contains(&b)
}

impl RecoveryCodeSet {
    /// Codes per set by default.
    pub const DEFAULT_COUNT: usize = 10;
    /// Most codes per set: one per slot id.
    pub const MAX_COUNT: usize = 32;

    /// Generates `count` (1 to 32) new codes with `params`. Costs `count` argon2id evaluations.
    /// The old set, if any, is simply replaced: persist the new one and its codes are dead.
    pub fn generate(count: usize, params: RecoveryParams) -> Result<NewRecoveryCodes> {
        Self::generate_with_rng(&mut OsRng, count, params)
    }

    /// [`RecoveryCodeSet::generate`] drawing codes and salts from `rng`, a cryptographically
    /// secure generator the caller supplies (the stateful service passes its own).
    pub fn generate_with_rng<R: RngCore + CryptoRng>(
        rng: &mut R,
        count: usize,
        params: RecoveryParams,
    ) -> Result<NewRecoveryCodes> {
        if !(1..=Self::MAX_COUNT).contains(&count) {
            return Err(MfaError::param("count", "must be between 1 and 32"));
        }
        params.validate()?;
        let alphabet = RECOVERY_ALPHABET.as_bytes();
        let ids: Vec<u8> = alphabet.choose_multiple(rng, count).copied().collect();
        let mut compact = Vec::with_capacity(count);
        let mut salts = Vec::with_capacity(count);
        for id in ids {
            let mut code = Zeroizing::new(String::with_capacity(RECOVERY_CODE_CHARS));
            code.push(char::from(id));
            for _ in 0..RECOVERY_SECRET_CHARS {
                code.push(char::from(alphabet[rng.gen_range(0..alphabet.len())]));
            }
            let mut salt = [0u8; SALT_LEN];
            rng.fill_bytes(&mut salt);
            compact.push(code);
            salts.push(salt);
        }
        let set = Self::build(&compact, &salts, params)?;
        let codes = compact
            .iter()
            .map(|c| RecoveryCode { display: group(c) })
            .collect();
        Ok(NewRecoveryCodes { codes, set })
    }

    /// [`RecoveryCodeSet::generate`] with 10 codes and the default parameters.
    pub fn generate_default() -> Result<NewRecoveryCodes> {
        Self::generate(Self::DEFAULT_COUNT, RecoveryParams::default())
    }

    /// **For known-answer test vectors only**: builds a set from given codes and salts.
    #[doc(hidden)]
    pub fn from_codes_with_salts(
        codes: &[&str],
        salts: &[[u8; SALT_LEN]],
        params: RecoveryParams,
    ) -> Result<RecoveryCodeSet> {
        params.validate()?;
        let compact = codes
            .iter()
            .map(|c| {
                normalize_recovery_code(c).ok_or_else(|| MfaError::param("codes", "malformed"))
            })
            .collect::<Result<Vec<_>>>()?;
        if salts.len() != compact.len() {
            return Err(MfaError::param("salts", "one per code"));
        }
        Self::build(&compact, salts, params)
    }

    fn build(
        compact: &[Zeroizing<String>],
        salts: &[[u8; SALT_LEN]],
        params: RecoveryParams,
    ) -> Result<RecoveryCodeSet> {
        params.validate()?;
        let mut slots: Vec<Slot> = Vec::with_capacity(compact.len());
        for (code, salt) in compact.iter().zip(salts) {
            let id = code.as_bytes()[0];
            if slots.iter().any(|s| s.id == id) {
                return Err(MfaError::param("codes", "slot ids must be distinct"));
            }
            let mut hash = [0u8; HASH_LEN];
            params.hash_into(code.as_bytes(), salt, &mut hash)?;
            slots.push(Slot {
                id,
                salt: *salt,
                hash,
            });
        }
        Ok(RecoveryCodeSet { params, slots })
    }

    /// Codes not yet used.
    pub fn remaining(&self) -> usize {
        self.slots.len()
    }

    /// The argon2id parameters of this set.
    pub fn params(&self) -> RecoveryParams {
        self.params
    }

    /// Checks what a user typed (at most [`MAX_CODE_INPUT_LEN`](crate::MAX_CODE_INPUT_LEN)
    /// bytes; longer is a wrong code). Exactly one argon2id evaluation for any input that normalises
    /// to a possible code, whatever the size of the set; none for one that does not. A wrong
    /// code is `accepted: false`, not an error; errors are only internal argon2 failures.
    pub fn check(&self, input: &str) -> Result<RecoveryCheck> {
        if input.len() > MAX_CODE_INPUT_LEN {
            return Ok(self.rejected());
        }
        let Some(code) = normalize_recovery_code(input) else {
            return Ok(self.rejected());
        };
        let id = code.as_bytes()[0];
        // Select the slot without branching on which one it is, so the scan's timing says
        // nothing about the live slots; absent slots use the dummy salt and cannot match.
        let mut salt = DUMMY_SALT;
        let mut expected = [0u8; HASH_LEN];
        let mut found = subtle::Choice::from(0);
        for slot in &self.slots {
            let hit = slot.id.ct_eq(&id);
            for (dst, src) in salt.iter_mut().zip(slot.salt) {
                dst.conditional_assign(&src, hit);
            }
            for (dst, src) in expected.iter_mut().zip(slot.hash) {
                dst.conditional_assign(&src, hit);
            }
            found |= hit;
        }
        let mut actual = Zeroizing::new([0u8; HASH_LEN]);
        self.params.hash_into(code.as_bytes(), &salt, &mut actual)?;
        let accepted = bool::from(found & actual.ct_eq(&expected));
        if !accepted {
            return Ok(self.rejected());
        }
        let mut set = self.clone();
        set.slots.retain(|s| s.id != id);
        Ok(RecoveryCheck {
            accepted: true,
            remaining: set.remaining(),
            set,
        })
    }

    fn rejected(&self) -> RecoveryCheck {
        RecoveryCheck {
            accepted: false,
            remaining: self.remaining(),
            set: self.clone(),
        }
    }

    /// The stored form (see the module docs).
    pub fn to_stored(&self) -> String {
        use std::fmt::Write;
        let p = &self.params;
        // One string, written in place: this runs on every write of a record that has
        // recovery codes, so no per-slot strings are made and joined.
        let mut out = String::with_capacity(PREFIX.len() + 32 + self.slots.len() * 68);
        let _ = write!(
            out,
            "{PREFIX}m={},t={},p={}:",
            p.m_cost_kib, p.t_cost, p.p_cost
        );
        for (i, s) in self.slots.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push(char::from(s.id));
            out.push('.');
            b64e_into(&s.salt, &mut out);
            out.push('.');
            b64e_into(&s.hash, &mut out);
        }
        out
    }

    /// Parses a stored set; anything malformed is [`MfaError::InvalidStoredValue`].
    pub fn from_stored(stored: &str) -> Result<RecoveryCodeSet> {
        if stored.len() > 16 * 1024 {
            return Err(MfaError::stored("recovery set is too long"));
        }
        let rest = stored
            .strip_prefix(PREFIX)
            .ok_or_else(|| MfaError::stored("not an mfakit:recovery:v1:argon2id value"))?;
        let (params, entries) = rest
            .split_once(':')
            .ok_or_else(|| MfaError::stored("recovery set has no entry list"))?;
        let params = parse_params(params)?;
        let mut slots: Vec<Slot> = Vec::new();
        let entries = if entries.is_empty() {
            None
        } else {
            Some(entries.split(';'))
        };
        for entry in entries.into_iter().flatten() {
            let mut parts = entry.split('.');
            let (Some(id), Some(salt), Some(hash), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(MfaError::stored("recovery entry must be slot.salt.hash"));
            };
            let id = match id.as_bytes() {
                [b] if is_slot_id(*b) => *b,
                _ => return Err(MfaError::stored("recovery slot id is not valid")),
            };
            if slots.iter().any(|s| s.id == id) {
                return Err(MfaError::stored("recovery slot ids repeat"));
            }
            let salt = b64d(salt, "salt")?
                .try_into()
                .map_err(|_| MfaError::stored("salt must be 16 bytes"))?;
            let hash = b64d(hash, "hash")?
                .try_into()
                .map_err(|_| MfaError::stored("hash must be 32 bytes"))?;
            slots.push(Slot { id, salt, hash });
        }
        Ok(RecoveryCodeSet { params, slots })
    }
}

fn parse_params(text: &str) -> Result<RecoveryParams> {
    let mut fields = text.split(',');
    let mut next = |name: &str| -> Result<u32> {
        let field = fields.next().unwrap_or_default();
        let value = field
            .strip_prefix(name)
            .and_then(|v| v.strip_prefix('='))
            .ok_or_else(|| MfaError::stored(format!("expected argon2 parameter `{name}`")))?;
        parse_num(value, name)
    };
    let params = RecoveryParams {
        m_cost_kib: next("m")?,
        t_cost: next("t")?,
        p_cost: next("p")?,
    };
    if fields.next().is_some() {
        return Err(MfaError::stored("unexpected argon2 parameter"));
    }
    params.validate().map_err(|e| match e {
        MfaError::InvalidParameter { name, reason } => {
            MfaError::stored(format!("argon2 parameter {name} out of range: {reason}"))
        }
        other => other,
    })?;
    Ok(params)
}

impl TryFrom<String> for RecoveryCodeSet {
    type Error = MfaError;
    fn try_from(stored: String) -> Result<Self> {
        RecoveryCodeSet::from_stored(&stored)
    }
}

impl From<RecoveryCodeSet> for String {
    fn from(set: RecoveryCodeSet) -> String {
        set.to_stored()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const CHEAP: RecoveryParams = RecoveryParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    #[test]
    fn generate_check_use_once() {
        let new = RecoveryCodeSet::generate(4, CHEAP).unwrap();
        assert_eq!(new.codes.len(), 4);
        let code = new.codes[2].as_str().to_owned();
        assert_eq!(code.len(), 14);
        assert_eq!(format!("{:?}", new.codes[0]), "RecoveryCode(<redacted>)");
        let stored = new.set.to_stored();
        let set = RecoveryCodeSet::from_stored(&stored).unwrap();
        assert_eq!(set, new.set);
        let typed = format!("  {} ", code.to_uppercase().replace('-', " "));
        let r = set.check(&typed).unwrap();
        assert!(r.accepted);
        assert_eq!(r.remaining, 3);
        let again = r.set.check(&code).unwrap();
        assert!(!again.accepted);
        assert_eq!(again.remaining, 3);
    }

    /// Checks on several threads at once, with different parameters, share the parked
    /// engines: each answer must still be its own set's.
    #[test]
    fn concurrent_checks_with_mixed_parameters() {
        let sizes = [8, 64, 256, 32];
        let sets: Vec<(NewRecoveryCodes, String)> = sizes
            .iter()
            .map(|&m| {
                let params = RecoveryParams {
                    m_cost_kib: m,
                    ..CHEAP
                };
                let new = RecoveryCodeSet::generate(3, params).unwrap();
                let code = new.codes[1].as_str().to_owned();
                (new, code)
            })
            .collect();
        std::thread::scope(|scope| {
            for (i, (new, code)) in sets.iter().enumerate() {
                let other = &sets[(i + 1) % sets.len()].1;
                scope.spawn(move || {
                    for _ in 0..20 {
                        assert!(new.set.check(code).unwrap().accepted);
                        assert!(!new.set.check(other).unwrap().accepted);
                    }
                });
            }
        });
        let free = *EVALUATIONS.get().unwrap().free.lock().unwrap();
        assert_eq!(free, max_concurrent_evaluations());
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            normalize_recovery_code("K7M2-PX9Q-4RTO").unwrap().as_str(),
            "k7m2px9q4rt0"
        );
        assert!(normalize_recovery_code("k7m2-px9q-4rtu").is_none());
        assert!(normalize_recovery_code("k7m2-px9q-4rt").is_none());
        assert!(normalize_recovery_code("k7m2-px9q-4rtvv").is_none());
    }

    #[test]
    fn malformed_stored_values() {
        for bad in [
            "",
            "mfakit:recovery:v1:argon2id:m=64,t=1,p=1",
            "mfakit:recovery:v1:argon2id:m=1,t=1,p=1:",
            "mfakit:recovery:v1:argon2id:m=64,t=1:",
            "mfakit:recovery:v1:argon2id:m=64,t=1,p=1:u.AAAA.AAAA",
            "mfakit:recovery:v1:argon2id:m=64,t=1,p=1:k.AAAA.AAAA",
        ] {
            assert_eq!(
                RecoveryCodeSet::from_stored(bad).unwrap_err().code(),
                "invalid_stored_value",
                "{bad}"
            );
        }
        let empty =
            RecoveryCodeSet::from_stored("mfakit:recovery:v1:argon2id:m=64,t=1,p=1:").unwrap();
        assert_eq!(empty.remaining(), 0);
    }
}
