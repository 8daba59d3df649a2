// An Express 5 server with recovery codes and step-up, checked by `tsc --strict` in `make test`.
import express, { type Request } from 'express'
import { RecoveryCodeSet, type AuthContext, type RecoveryCheck } from 'mfakit'
import { requireMfa } from 'mfakit/express'

interface Session {
  userId: string
  mfaMethods: string[]
  amr: string[]
  mfaVerifiedAt?: number
}

const sessions = new Map<string, Session>()
const recoverySets = new Map<string, string>()

function claims(req: Request): AuthContext {
  const session = sessions.get(req.get('authorization') ?? '')
  return {
    enrolledMethods: session?.mfaMethods ?? [],
    amr: session?.amr ?? [],
    mfaVerifiedAt: session?.mfaVerifiedAt ?? null,
  }
}

export const app = express()
app.use(express.json())

app.post('/recovery-codes', async (req, res) => {
  const made = await RecoveryCodeSet.generateAsync() // argon2id on the libuv pool
  recoverySets.set(String(req.body.userId), made.set.toStored())
  res.json({ codes: made.codes }) // shown once
})

app.post('/recovery-codes/check', async (req, res) => {
  const stored = recoverySets.get(String(req.body.userId))
  if (stored === undefined) return void res.status(404).end()
  const result: RecoveryCheck = await RecoveryCodeSet.fromStored(stored).checkAsync(String(req.body.code))
  if (result.accepted) recoverySets.set(String(req.body.userId), result.set.toStored())
  res.json({ accepted: result.accepted, remaining: result.remaining })
})

app.post(
  '/payments',
  requireMfa({ getClaims: claims, level: 'required', operation: 'payment', maxAge: 300 }),
  (_req, res) => {
    res.json({ ok: true })
  },
)
