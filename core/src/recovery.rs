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
use std::sync::{Mutex, OnceLock};

use argon2_rust::params::{Memory, TagLen};
use argon2_rust::{Algorithm, Argon2, Hasher, Params, Version};
use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use rand::{CryptoRng, Rng, RngCore};
use serde::{Deserialize, Serialize};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{MfaError, Result};
use crate::limiter::parse_num;
use crate::sealed::{b64d, b64e};

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

/// Largest argon2 working memory a parked engine keeps between evaluations; a larger cost
/// allocates for the one evaluation and frees (wiped) afterwards.
const MAX_KEPT_MEMORY_KIB: u32 = 64 * 1024;

/// argon2 engines with their working memory, parked between evaluations and shared by all
/// threads: allocating, zero-filling and freeing 19 MiB for each check cost about a third of
/// the check (measured beside reused memory). A pool rather than one engine per thread, so that
/// a thread pool (libuv's, a Python executor) pays the allocation once per evaluation running
/// at the same time, not once per thread. The engine wipes its memory when each evaluation
/// returns, so what stays allocated holds nothing; at most [`max_parked`] engines of at most
/// [`MAX_KEPT_MEMORY_KIB`] each are kept.
static ARGON2_POOL: Mutex<Vec<Hasher>> = Mutex::new(Vec::new());

/// Engines kept in [`ARGON2_POOL`]: one per core, since more evaluations than cores at once
/// only queue for the CPU.
fn max_parked() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
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
    /// Largest memory cost accepted (1 GiB), also when reading a stored set, so a hostile
    /// stored value cannot exhaust memory.
    pub const MAX_M_COST_KIB: u32 = 1 << 20;
    /// Largest time cost accepted.
    pub const MAX_T_COST: u32 = 16;
    /// Largest parallelism accepted.
    pub const MAX_P_COST: u32 = 16;

    /// Checks the ranges: `p` 1..=16, `t` 1..=16, `m` from `8·p` to 1 GiB.
    pub fn validate(&self) -> Result<()> {
        if !(1..=Self::MAX_P_COST).contains(&self.p_cost) {
            return Err(MfaError::param("p_cost", "must be between 1 and 16"));
        }
        if !(1..=Self::MAX_T_COST).contains(&self.t_cost) {
            return Err(MfaError::param("t_cost", "must be between 1 and 16"));
        }
        if !(8 * self.p_cost..=Self::MAX_M_COST_KIB).contains(&self.m_cost_kib) {
            return Err(MfaError::param(
                "m_cost_kib",
                "must be between 8·p_cost and 1048576",
            ));
        }
        Ok(())
    }

    fn argon2(&self) -> Result<Argon2> {
        let params = Params::builder()
            .memory(Memory::kib(u64::from(self.m_cost_kib)))
            .passes(self.t_cost)
            .lanes(self.p_cost)
            // Lanes are filled one after another on the calling thread: a check never spawns
            // threads of its own (the bindings already run checks on worker threads).
            .threads(1)
            .tag_len(TagLen::bytes(HASH_LEN as u64))
            .build()
            .map_err(|e| MfaError::param("argon2", e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// One argon2id evaluation into `out`, in a parked engine's working memory (see
    /// [`ARGON2_POOL`]), which the engine wipes before returning.
    fn hash_into(&self, password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<()> {
        let argon2 = self.argon2()?;
        let result = if self.m_cost_kib <= MAX_KEPT_MEMORY_KIB {
            // A poisoned lock only means a thread panicked while pushing or popping: the list
            // itself is intact.
            let parked = ARGON2_POOL.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let mut hasher = parked.unwrap_or_else(|| argon2.hasher());
            hasher.set_argon2(argon2);
            let result = hasher.hash_into(password, salt, out);
            let mut pool = ARGON2_POOL.lock().unwrap_or_else(|e| e.into_inner());
            if pool.len() < max_parked() {
                pool.push(hasher);
            }
            result
        } else {
            argon2.hash_into(password, salt, out)
        };
        result.map_err(|e| MfaError::Internal {
            reason: format!("argon2: {e}"),
        })
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

    /// Checks what a user typed. Exactly one argon2id evaluation for any input that normalises
    /// to a possible code, whatever the size of the set; none for one that does not. A wrong
    /// code is `accepted: false`, not an error; errors are only internal argon2 failures.
    pub fn check(&self, input: &str) -> Result<RecoveryCheck> {
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
        self.params
            .hash_into(code.as_bytes(), &salt, actual.as_mut())?;
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
        let p = &self.params;
        let entries: Vec<String> = self
            .slots
            .iter()
            .map(|s| format!("{}.{}.{}", char::from(s.id), b64e(&s.salt), b64e(&s.hash)))
            .collect();
        format!(
            "{PREFIX}m={},t={},p={}:{}",
            p.m_cost_kib,
            p.t_cost,
            p.p_cost,
            entries.join(";")
        )
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
    params
        .validate()
        .map_err(|_| MfaError::stored("argon2 parameters out of range"))?;
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
        assert!(ARGON2_POOL.lock().unwrap().len() <= max_parked());
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
