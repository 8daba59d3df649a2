'use strict'
// Shared by the tests: where the vectors are, and the one-bit tamper of a code.
const fs = require('node:fs')
const path = require('node:path')

// The tests run from a temporary folder where the packed tarball is installed; the Makefile
// says where the repository's vectors are.
const VECTORS = process.env.MFAKIT_VECTORS || path.resolve(__dirname, '../../tests/vectors')

function vectors(name) {
  return JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8'))
}

function vectorFiles() {
  return fs.readdirSync(VECTORS).filter((f) => f.endsWith('.json')).sort()
}

/** Flips one bit of one digit, keeping a digit string of the same length (as core/tests/vectors.rs). */
function tamper(code, bit) {
  const bytes = [...code].map((c) => c.charCodeAt(0) - 48)
  const i = bit % bytes.length
  const digit = bytes[i]
  bytes[i] = (digit ^ (1 << (Math.floor(bit / bytes.length) % 3))) % 10
  if (bytes[i] === digit) bytes[i] = (digit + 1) % 10
  return bytes.join('')
}

module.exports = { VECTORS, vectors, vectorFiles, tamper }
