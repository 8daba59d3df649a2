// ESM entry of `mfakit/express`.
export { requireMfa, mfaRouter, insufficientUserAuthentication } from './express.js'
