// Enrolment and login with mfakit, checked by `tsc --strict` in `make test`.
import { Totp, Hotp, MfaError, verifyTotp, type OtpMatch, type VerifyOptions, type VerifyTotpOptions } from 'mfakit'

interface StoredFactor {
  secret: string
  lastStep: number | null
}

/** Step 1: create the factor, show the QR code, store the secret once the user confirms. */
export function enroll(account: string): { factor: StoredFactor; qrSvg: string; uri: string } {
  const totp = Totp.enroll({ issuer: 'Example Co', account })
  return { factor: { secret: totp.secret(), lastStep: null }, qrSvg: totp.qrSvg(), uri: totp.provisioningUri() }
}

/** Step 2: verify a login code, refusing replays. */
export function login(factor: StoredFactor, code: string, at: Date = new Date()): boolean {
  const totp = new Totp({ secret: factor.secret })
  const options: VerifyOptions = { at, window: { behind: 1, ahead: 1 }, afterStep: factor.lastStep }
  const match: OtpMatch | null = totp.verify(code, options)
  if (match === null) return false
  factor.lastStep = match.step
  return true
}

/** Step 2 in one call per request, as a server does: the stored secret and the typed code in. */
export function loginOnce(factor: StoredFactor, code: string): boolean {
  const options: VerifyTotpOptions = { window: 1, afterStep: factor.lastStep, digits: 6, algorithm: 'SHA1' }
  const match: OtpMatch | null = verifyTotp(factor.secret, code, options)
  if (match === null) return false
  factor.lastStep = match.step
  return true
}

export function describeError(e: unknown): string {
  if (e instanceof MfaError) {
    const code: 'invalid_secret' | string = e.code
    return `${code}: ${e.message}`
  }
  throw e
}

const { factor } = enroll('alice@example.com')
const now = new Date()
const code = new Totp({ secret: factor.secret }).at(now)
console.log(login(factor, code, now), login(factor, code, now)) // true false (replay)
const again = enroll('bob@example.com').factor
const current = new Totp({ secret: again.secret }).now()
console.log(loginOnce(again, current), loginOnce(again, current)) // true false (replay)
try {
  new Hotp({ secret: 'not base32!' })
} catch (e) {
  console.log(describeError(e))
}
