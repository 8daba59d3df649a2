// ESM entry of `mfakit`: the same module instance as the CommonJS entry.
export * from './index.js'
export { default } from './index.js'
