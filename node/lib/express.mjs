// ESM entry of `mfakit/express`.
export { requireMfa } from './express.js'
