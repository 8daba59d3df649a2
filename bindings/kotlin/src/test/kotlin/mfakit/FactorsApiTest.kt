package mfakit

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The second factors' Kotlin surface: defaults, flows, redaction and hostile input. */
class FactorsApiTest {
    private fun codeOf(block: () -> Unit): String = assertThrows<MfaException> { block() }.code()
    private val fast = RecoveryParams(mCostKib = 64, tCost = 1, pCost = 1)
    private val now = 1_700_000_000L

    @Test
    fun `record defaults are the core's defaults`() {
        assertEquals(defaultRecoveryParams(), RecoveryParams())
        assertEquals(defaultChallengePolicy(), ChallengePolicy())
        assertEquals(defaultAttemptPolicy(), AttemptPolicy())
        assertEquals(AttemptPolicy(), AttemptLimiter().policy())
        assertEquals(MfaLevel.OPTIONAL, defaultStepUpPolicy().level)
    }

    @Test
    fun `recovery codes - generate, use once, persist`() {
        val fresh = NewRecoveryCodes.generate(count = 5, params = fast)
        val codes = fresh.codes()
        assertEquals(5, codes.size)
        assertTrue(codes.all { Regex("[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}").matches(it) }, "$codes")
        var set = RecoveryCodeSet.fromStored(fresh.set().toStored())
        val check = set.check(codes[2].uppercase().replace("-", " "))
        assertTrue(check.accepted)
        assertEquals(4, check.remaining)
        set = check.set
        assertFalse(set.check(codes[2]).accepted)
        assertFalse(set.check("not a code").accepted)
        assertEquals(fast, set.params())
        assertEquals(10, NewRecoveryCodes.generate().codes().size)
        assertEquals("invalid_parameter", codeOf { NewRecoveryCodes.generate(0, fast) })
        assertEquals("invalid_parameter", codeOf { NewRecoveryCodes.generate(33, fast) })
        assertEquals("invalid_parameter", codeOf { NewRecoveryCodes.generate(-1, fast) })
        assertEquals("invalid_parameter", codeOf { NewRecoveryCodes.generate(1, RecoveryParams(mCostKib = -1)) })
        assertEquals("invalid_stored_value", codeOf { RecoveryCodeSet.fromStored("x".repeat(1_000_000)) })
    }

    @Test
    fun `sealed secrets - seal, open, rotate`() {
        val k1 = SealingKey.generate()
        val ring = Keyring("k1", k1)
        val secret = Secret.generate()
        val sealed = ring.sealSecret(secret, "user:42".toByteArray())
        assertTrue(sealed.startsWith("mfakit:sealed:v1:k1:"), sealed)
        assertEquals(secret.toBase32(), ring.openSecret(sealed, "user:42".toByteArray()).toBase32())
        assertEquals("unseal_failed", codeOf { ring.openSecret(sealed, "user:43".toByteArray()) })

        ring.add("k2", SealingKey.fromBase64(SealingKey.generate().toBase64()))
        ring.setCurrent("k2")
        assertEquals(listOf("k1", "k2"), ring.keyIds())
        assertEquals("k2", ring.currentKeyId())
        assertTrue(ring.needsReseal(sealed))
        val resealed = ring.reseal(sealed, "user:42".toByteArray())
        assertFalse(ring.needsReseal(resealed))
        assertEquals("k2", sealedKeyId(resealed))
        assertEquals("unknown_key", codeOf { ring.setCurrent("k3") })
        assertEquals("unknown_key", codeOf { Keyring("k2", k1).open(sealed, "user:42".toByteArray()) })
        val e = assertThrows<MfaException.UnknownKey> { Keyring("k2", k1).open(sealed, ByteArray(0)) }
        assertEquals("k1", e.keyId)

        assertArrayEquals(byteArrayOf(1, 2, 3), ring.open(ring.seal(byteArrayOf(1, 2, 3), ByteArray(0)), ByteArray(0)))
        assertEquals("invalid_parameter", codeOf { SealingKey.fromBytes(ByteArray(31)) })
        assertEquals("invalid_parameter", codeOf { Keyring("bad:id", k1) })
        assertEquals("invalid_stored_value", codeOf { ring.open("mfakit:sealed:v1:" + "A".repeat(100_000), ByteArray(0)) })
        assertEquals("invalid_stored_value", codeOf { sealedKeyId("nope") })
    }

    @Test
    fun `challenges - issue, verify, resend cooldown`() {
        val key = ChallengeKey.generate()
        val issued = IssuedChallenge.issue(key, now)
        val code = issued.code()
        assertEquals(6, code.length)
        val stored = issued.challenge().toStored()
        val challenge = OtpChallenge.fromStored(stored)
        assertEquals(now + 300, challenge.expiresAt())
        assertEquals(5, challenge.attemptsLeft())
        assertEquals(60L, challenge.resendAvailableIn(now))

        val wrong = challenge.verify(key, if (code == "000000") "111111" else "000000", now + 1)
        assertEquals(ChallengeVerdict.Wrong(4), wrong.verdict)
        val ok = wrong.challenge.verify(key, code, now + 2)
        assertEquals(ChallengeVerdict.Accepted, ok.verdict)
        assertTrue(ok.challenge.used())
        assertEquals(ChallengeVerdict.Used, ok.challenge.verify(key, code, now + 3).verdict)
        assertEquals(ChallengeVerdict.Expired, challenge.verify(key, code, now + 300).verdict)

        val limited = assertThrows<MfaException.RateLimited> { challenge.resend(key, now + 10) }
        assertEquals("rate_limited", limited.code())
        assertEquals(50uL, limited.retryAfterSecs)
        val again = challenge.resend(key, now + 60)
        assertNotEquals(challenge.toStored(), again.challenge().toStored())
        assertEquals("invalid_parameter", codeOf { ok.challenge.resend(key, now + 1000) })

        assertEquals("invalid_parameter", codeOf { IssuedChallenge.issue(key, now, ChallengePolicy(digits = 3)) })
        assertEquals("invalid_parameter", codeOf { IssuedChallenge.issue(key, -1) })
        assertEquals("invalid_parameter", codeOf { challenge.verify(key, code, -1) })
        assertEquals("invalid_parameter", codeOf { ChallengeKey.fromBytes(ByteArray(15)) })
        assertEquals("invalid_stored_value", codeOf { OtpChallenge.fromStored("mfakit:challenge:v1:\u0000") })
        assertEquals(ChallengeVerdict.Wrong(4), challenge.verify(key, "9".repeat(100_000), now).verdict)
    }

    @Test
    fun `limiters - attempts, rates, brute-force bound`() {
        val limiter = AttemptLimiter(AttemptPolicy())
        val o = limiter.recordFailure(AttemptState(), now)
        assertEquals(Decision(false, 1, 9, false), o.decision)
        assertTrue(limiter.check(o.state, now + 1).allowed)
        assertEquals(AttemptState(), limiter.recordSuccess())
        assertEquals("invalid_stored_value", codeOf { attemptStateFromStored("mfakit:attempts:v1:x:0") })
        assertEquals("invalid_parameter", codeOf { limiter.check(AttemptState(failures = -1), now) })
        assertEquals("invalid_parameter", codeOf { AttemptLimiter(AttemptPolicy(backoffFactor = 0)) })

        val rate = parseRateLimit("5/15m")
        assertEquals(RateLimit(5, 900), rate)
        assertEquals("5/15m", rate.text())
        val rl = RateLimiter(rate)
        var state = RateState()
        repeat(5) { state = rl.acquire(state, now).state }
        val refused = rl.acquire(state, now + 1).decision
        assertFalse(refused.allowed)
        assertEquals(899L, refused.retryAfter)
        assertEquals("invalid_parameter", codeOf { RateLimiter(RateLimit(0, 60)) })
        assertEquals("invalid_parameter", codeOf { RateLimiter(RateLimit(1001, 60)) })
        assertEquals("invalid_parameter", codeOf { rl.acquire(state, Long.MIN_VALUE) })

        assertEquals(2199L, maxAttackerGuesses(AttemptPolicy(), 365L * 86400))
        assertNull(maxAttackerGuesses(AttemptPolicy(backoffBaseSecs = 0, backoffCapSecs = 0, lockoutAfter = 0), 86400))
        val p = attackerSuccessProbability(6, 3, AttemptPolicy(), 365L * 86400)
        assertTrue(p > 0.0065 && p < 0.0066, "$p")
        assertEquals("invalid_parameter", codeOf { attackerSuccessProbability(0, 3, AttemptPolicy(), 1) })
        assertEquals("invalid_parameter", codeOf { attackerSuccessProbability(6, -3, AttemptPolicy(), 1) })
    }

    @Test
    fun `step-up decisions`() {
        val stepUp = StepUp(defaultStepUpPolicy().copy(level = MfaLevel.REQUIRED))
        val fresh = AuthContext(enrolledMethods = listOf("totp"), amr = listOf("pwd", "otp"), mfaVerifiedAt = now - 60)
        assertEquals(StepUpDecision.Allowed, stepUp.decide(fresh, OperationClass.Payment, now))

        val stale = stepUp.decide(fresh.copy(mfaVerifiedAt = now - 3600), OperationClass.Payment, now)
        val refusal = (stale as StepUpDecision.Refused).refusal
        assertEquals("mfa_stale", refusal.reason.code())
        assertEquals(401, refusal.reason.httpStatus())
        assertEquals(300L, refusal.maxAge)
        assertEquals(listOf("totp"), refusal.methods)

        val setup = stepUp.decide(AuthContext(), OperationClass.SignIn, now) as StepUpDecision.Refused
        assertEquals(RefusalReason.MFA_SETUP_REQUIRED, setup.refusal.reason)
        assertEquals(403, setup.refusal.reason.httpStatus())
        assertEquals(listOf("totp", "recovery_code"), setup.refusal.methods)

        val noAmr = stepUp.decide(fresh.copy(amr = listOf("pwd")), OperationClass.SignIn, now) as StepUpDecision.Refused
        assertEquals("mfa_required", noAmr.refusal.reason.code())

        val none = StepUp(defaultStepUpPolicy().copy(level = MfaLevel.NONE))
        assertEquals(StepUpDecision.Allowed, none.decideNow(AuthContext(), OperationClass.DisableMfa))
        assertFalse(none.mfaApplies(AuthContext()))
        assertEquals(MfaLevel.ADMIN_ONLY, parseMfaLevel("admin-only"))
        assertEquals("invalid_parameter", codeOf { parseMfaLevel("sometimes") })
        assertEquals(OperationClass.Payment, operationClassFromName("payment"))
        assertEquals(OperationClass.Custom("export"), operationClassFromName("export"))
        assertEquals("password_change", OperationClass.PasswordChange.name())
        assertEquals("invalid_parameter", codeOf { stepUp.decide(fresh, OperationClass.SignIn, -1) })
        assertEquals("invalid_parameter", codeOf { stepUp.decide(fresh.copy(mfaVerifiedAt = -1), OperationClass.SignIn, now) })
        assertEquals(
            "invalid_parameter",
            codeOf { StepUp(defaultStepUpPolicy().copy(maxAge = mapOf("payment" to -1L))) },
        )
    }

    @Test
    fun `a generated ChallengeKey exports its bytes and loads again`() {
        val first = ChallengeKey.generate()
        val stored = first.exposeBytes()
        assertEquals(32, stored.size)
        assertEquals("ChallengeKey(<redacted>)", first.toString())
        val second = ChallengeKey.fromBytes(stored.copyOf()) // e.g. after a restart, from a secret store
        assertArrayEquals(stored, second.exposeBytes())
        val issued = IssuedChallenge.issue(first, now)
        first.close()
        assertEquals(ChallengeVerdict.Accepted, issued.challenge().verify(second, issued.code(), now + 1).verdict)
        // A copy: wiping it does not touch the key.
        stored.fill(0)
        assertFalse(second.exposeBytes().contentEquals(stored))
        val other = ChallengeKey.generate()
        assertFalse(other.exposeBytes().contentEquals(second.exposeBytes()))
        assertEquals(ChallengeVerdict.Wrong(4), issued.challenge().verify(other, issued.code(), now + 1).verdict)
    }

    @Test
    fun `toString of secret-holding objects is redacted`() {
        val key = SealingKey.generate()
        val ckey = ChallengeKey.generate()
        val issued = IssuedChallenge.issue(ckey, now)
        val fresh = NewRecoveryCodes.generate(3, fast)
        val ring = Keyring("k1", key)
        val shown = listOf(key.toString(), ckey.toString(), issued.toString(), fresh.toString(), ring.toString())
        for (s in shown) assertTrue(s.contains("<redacted>"), s)
        assertFalse(shown.any { it.contains(key.toBase64()) })
        assertFalse(issued.toString().contains(issued.code()))
        for (c in fresh.codes()) assertFalse(shown.any { it.contains(c) })
        assertEquals("SealingKey(<redacted>)", key.toString())
        assertEquals("ChallengeKey(<redacted>)", ckey.toString())
        // Objects without secrets print their state.
        assertTrue(fresh.set().toString().contains("remaining: 3"), fresh.set().toString())
    }
}
