package mfakit

import org.junit.jupiter.api.Test

/**
 * The Kotlin snippets of bindings/README.md, verbatim, so that the documentation compiles and
 * runs. Keep the two in step: edit the README, paste it here.
 */
class QuickstartTest {
    private val keyFromYourSecretStore = SealingKey.generate().toBase64()
    private val lastMfa: Long? = unixNow() - 60

    @Suppress("UNUSED_PARAMETER")
    private fun respond(status: Int, body: StepUpRefusal) = Unit

    @Test
    fun `README Kotlin quickstart`() {
        // Enrol: a new 160-bit secret, the compatible profile (SHA1, 6 digits, 30 s), a QR code.
        val totp = Totp.newEnrolment(Secret.generate())
        val uri = OtpAuthUri.forTotp(totp, account = "alice@example.com", issuer = "Example Co").toUri()
        val svg: String = qrSvg(uri)

        // Verify: a wrong code is null, not an exception. Store `step` and pass it back as
        // `afterStep` so that the same code cannot be used twice.
        var lastStep: Long? = null                  // from your user store
        val match: OtpMatch? = totp.verifyAt(code = "123456", unix = unixNow(), afterStep = lastStep)
        if (match != null) lastStep = match.step    // match.drift: -1 = the user was one step late

        // Show codes in an authenticator: import a URI, or a base32 secret.
        val imported = OtpAuthUri.parse("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP").totp()
        val code = imported.generateNow()
        val seconds = imported.remainingAt(unixNow())

        // Errors: one sealed class, each variant with the stable code every mfakit binding uses.
        try {
            Totp(Secret.fromBase32("not base32!"))
        } catch (e: MfaException) {
            println(e.code())       // "invalid_secret"
            println(e.describe())   // "invalid secret: not valid base32 (...)"
        }
    }

    @Test
    fun `README second factors`() {
        // Recovery codes: show `codes()` once, persist the set's one-line stored form.
        val fresh = NewRecoveryCodes.generate()                  // 10 codes, argon2id (19 MiB, t=2)
        val shown: List<String> = fresh.codes()                  // "k7m2-px9q-4rtv", ...
        var stored = fresh.set().toStored()
        val check = RecoveryCodeSet.fromStored(stored).check("K7M2 PX9Q 4RTV")
        if (check.accepted) stored = check.set.toStored()        // the used code is gone

        // Sealed secrets at rest (AES-256-GCM), bound to the user id, with key rotation.
        val ring = Keyring("2026-01", SealingKey.fromBase64(keyFromYourSecretStore))
        val sealed = ring.sealSecret(Secret.generate(), "user:42".toByteArray())
        val secret = ring.openSecret(sealed, "user:42".toByteArray())

        // Email/SMS codes: send issued.code(), persist the challenge (it holds only an HMAC).
        val key = ChallengeKey.generate()                       // store key.exposeBytes(); reload: ChallengeKey.fromBytes(stored)
        val issued = IssuedChallenge.issue(key, now = unixNow())
        val result = OtpChallenge.fromStored(issued.challenge().toStored()).verify(key, "042137", unixNow())
        when (val v = result.verdict) {
            is ChallengeVerdict.Wrong -> println("${v.attemptsLeft} tries left")
            else -> println(v.code())                            // accepted, expired, exhausted, used
        }
        val masked = maskEmail("jane.doe@example.com")           // "j***@example.com"

        // Attempt limiting as pure state, and what a policy allows an attacker.
        val limiter = AttemptLimiter(AttemptPolicy())            // 1 s doubling to 15 min, 4 h lockout after 10
        val outcome = limiter.recordFailure(AttemptState(), unixNow())
        val p = attackerSuccessProbability(6, 3, AttemptPolicy(), 365L * 86400)   // ≈ 0.0066

        // Step-up: may this session make a payment now?
        val stepUp = StepUp(defaultStepUpPolicy().copy(level = MfaLevel.REQUIRED))
        val decision = stepUp.decideNow(AuthContext(enrolledMethods = listOf("totp"), amr = listOf("otp"),
                                                    mfaVerifiedAt = lastMfa), OperationClass.Payment)
        if (decision is StepUpDecision.Refused) respond(decision.refusal.reason.httpStatus(), decision.refusal)
    }
}
