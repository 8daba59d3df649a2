package mfakit

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.Assertions.assertEquals
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

    // What the MFA service snippet assumes of the application.
    private val storeUrl = "sqlite://" + java.nio.file.Files.createTempDirectory("mfakit-quickstart").resolve("mfa.db")
    private val sealingKeyB64 = SealingKey.generate().toBase64()
    private val challengeKeyBytes = ChallengeKey.generate().exposeBytes()
    private val userId = "quickstart-${System.nanoTime()}"
    private var enrolledSecret: String? = null
    private var codesRead = 0L
    private val session = HashMap<String, Any>()
    private val mailer = object { fun send(to: String, code: String) = Unit }
    private fun showEnrolment(svg: String, secret: String) { enrolledSecret = secret }
    private fun showOnce(codes: List<String>) = assertEquals(10, codes.size)
    /** The user types the code their app shows: the enrolment's, then the next step's. */
    private fun readCode(): String = Totp(Secret.fromBase32(enrolledSecret!!)).generateAt(unixNow() + 30 * codesRead++)
    @Suppress("UNUSED_PARAMETER")
    private fun respond(status: Int, retryAfter: Long): Unit = error("locked")
    @Suppress("UNUSED_PARAMETER")
    private fun respond(status: Int, code: String): Unit = error(code)

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

    @Test
    fun `README MFA service`() = runBlocking {
        // Once per process. Keys come from your secret store; the policy is the same JSON document
        // the Python and Node packages take (every field optional).
        val mfa = Mfa(
            store = storeUrl,                      // "sqlite:///var/lib/app/mfa.db", "postgres://...", "redis://..."
            keyring = Keyring("2026-01", SealingKey.fromBase64(sealingKeyB64)),
            challengeKey = ChallengeKey.fromBytes(challengeKeyBytes),
            issuer = "Example Co",
            policy = """{"attempts": {"lockout_after": 5}}""",
        )

        // Enrolment: show the QR code, confirm with a first code, show the recovery codes once.
        val setup = withContext(Dispatchers.IO) { mfa.setupTotp(userId, "alice@example.com") }
        showEnrolment(setup.qrSvg(), setup.secret())
        val confirmed = withContext(Dispatchers.IO) { mfa.confirmTotp(userId, readCode()) }
        if (confirmed.accepted) showOnce(confirmed.recoveryCodes!!.codes())

        // Login, after the password: open a challenge (202 + id + methods), then verify.
        val login = withContext(Dispatchers.IO) { mfa.startLogin(userId) }   // NotEnrolled: no 2FA
        if (Method.EMAIL in login.methods) {
            val sent = withContext(Dispatchers.IO) { mfa.sendCode(login.id, Method.EMAIL) }
            mailer.send(sent.contact(), sent.code())                          // never into a response
        }
        val v = withContext(Dispatchers.IO) { mfa.verify(login.id, Method.TOTP, readCode()) }
        when (v.verdict) {
            Verdict.ACCEPTED -> session["amr"] = v.claims!!.amr              // acr, authTime too
            Verdict.LOCKED -> respond(429, retryAfter = v.retryAfter)
            else -> respond(401, v.verdict.code())                           // wrong, expired, used, exhausted
        }
        assertEquals(listOf("otp", "mfa"), session["amr"])
        mfa.close()
    }
}
