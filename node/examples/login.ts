// The README's "two-factor login in 20 lines", checked by `tsc --strict` in `make test`.
import express from 'express'
import { randomUUID } from 'node:crypto'
import { Mfa, Keyring, SealingKey, ChallengeKey } from 'mfakit'
import { mfaRouter } from 'mfakit/express'

declare function checkPassword(user: string, password: string): Promise<boolean>
declare function deliver(method: 'email' | 'sms', to: string, code: string): Promise<void>
declare const sessions: Map<string, { userId: string; amr: string[]; authTime: number }>

const mfa = new Mfa({
  store: process.env.MFA_STORE ?? 'sqlite://mfa.db', // or postgres://…, redis://…
  keyring: new Keyring('k1', SealingKey.fromBase64(process.env.SEALING_KEY!)),
  challengeKey: new ChallengeKey(Buffer.from(process.env.CHALLENGE_KEY!, 'base64')),
  issuer: 'Example Co',
})
export const app = express()
app.use('/mfa', mfaRouter({ // before express.json(): the router answers bad JSON with 400
  mfa,
  getUserId: (req) => sessions.get(/sid=([\w-]+)/.exec(req.get('cookie') ?? '')?.[1] ?? '')?.userId ?? null,
  send: (method, contact, code) => deliver(method, contact, code),
  onLogin: (userId, claims, _req, res) => {
    const sid = randomUUID() // the session now holds the claims requireMfa reads
    sessions.set(sid, { userId, amr: ['pwd', ...claims.amr], authTime: claims.auth_time })
    res.cookie('sid', sid, { httpOnly: true, secure: true, sameSite: 'strict' })
  },
}))
app.post('/login', express.json(), async (req, res) => {
  if (!(await checkPassword(req.body.user, req.body.password))) return void res.sendStatus(401)
  const c = await mfa.startLogin(req.body.user) // MfaError 'not_enrolled': no second factor
  res.status(202).json({ mfa_required: true, challenge_id: c.id, methods: c.methods, masked: c.masked, expires_at: c.expiresAt })
})
