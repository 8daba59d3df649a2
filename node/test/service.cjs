'use strict'
// Shared by the service tests: the stores under test, keys, a cheap policy, fresh user ids.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const crypto = require('node:crypto')
const { Mfa, Keyring, SealingKey, ChallengeKey, Totp } = require('mfakit')

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'mfakit-node-service-'))

/** A fresh SQLite file for one test. */
function sqliteUrl(tag) {
  return `sqlite://${path.join(DIR, `${tag}-${crypto.randomBytes(6).toString('hex')}.db`)}`
}

/**
 * The stores under test: a SQLite file always, and the CI's PostgreSQL and Redis from
 * MFAKIT_TEST_POSTGRES_URL / MFAKIT_TEST_REDIS_URL. Unset: `skip` says why, unless
 * MFAKIT_REQUIRE_SERVERS=1, where `url` throws (the test fails).
 */
function stores() {
  const server = (name) => {
    const variable = `MFAKIT_TEST_${name.toUpperCase()}_URL`
    const url = process.env[variable]
    if (url) return { name, url: () => url, skip: false }
    if (process.env.MFAKIT_REQUIRE_SERVERS === '1') {
      return { name, url: () => { throw new Error(`${variable} is not set but MFAKIT_REQUIRE_SERVERS=1`) }, skip: false }
    }
    return { name, url: () => null, skip: `${variable} not set` }
  }
  return [{ name: 'sqlite', url: (tag) => sqliteUrl(tag), skip: false }, server('postgres'), server('redis')]
}

const keyring = () => new Keyring('k1', new SealingKey(Buffer.alloc(32, 7)))
const challengeKey = () => new ChallengeKey(Buffer.alloc(32, 9))

/** Cheap argon2 (the tests hash many recovery codes) and no backoff, so that every
 *  concurrent guess is compared; `lockoutAfter` as given (0: none). */
function policy(lockoutAfter = 10, extra = {}) {
  return {
    attempts: {
      backoff_base_secs: 0,
      backoff_factor: 1,
      backoff_cap_secs: 0,
      lockout_after: lockoutAfter,
      lockout_secs: lockoutAfter > 0 ? 3600 : 0,
    },
    recovery_params: { m_cost_kib: 64, t_cost: 1, p_cost: 1 },
    ...extra,
  }
}

function open(url, options = {}) {
  return new Mfa({ store: url, keyring: keyring(), challengeKey: challengeKey(), issuer: 'Example Co', policy: policy(), ...options })
}

/** A user id no other test (or earlier run on the same server) uses. */
const userId = (tag) => `${tag}-${crypto.randomBytes(8).toString('hex')}`

const now = () => Math.floor(Date.now() / 1000)

/** The code the user's app shows, `offset` seconds from now. */
const codeFor = (secret, offset = 0) => new Totp({ secret }).at(now() + offset)

/** Enrols a confirmed TOTP; returns { user, secret, recoveryCodes }. */
async function enrolled(mfa, tag) {
  const user = userId(tag)
  const setup = await mfa.setupTotp(user, 'alice@example.com')
  const confirm = await mfa.confirmTotp(user, codeFor(setup.secret))
  if (!confirm.accepted) throw new Error(`confirmation refused: ${confirm.verdict}`)
  return { user, secret: setup.secret, recoveryCodes: confirm.recoveryCodes }
}

module.exports = { stores, sqliteUrl, keyring, challengeKey, policy, open, userId, now, codeFor, enrolled }
