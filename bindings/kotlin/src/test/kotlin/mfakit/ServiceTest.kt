package mfakit

import java.nio.file.Files
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicLong
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

/**
 * The `Mfa` service end to end on every store: a SQLite file, and the PostgreSQL and Redis
 * servers named by `MFAKIT_TEST_POSTGRES_URL` / `MFAKIT_TEST_REDIS_URL` (`scripts/services.sh
 * start` prints them). Without those variables the server runs are skipped, unless
 * `MFAKIT_REQUIRE_SERVERS=1` (CI), where they fail.
 */
class ServiceTest {
    companion object {
        private val counter = AtomicLong()
        private val run = java.lang.Long.toHexString(System.nanoTime())

        /** A user id no other test, and no earlier run on the same server, uses. */
        fun user(tag: String) = "kt-$tag-$run-${counter.incrementAndGet()}"

        /** Cheap argon2 (many recovery codes are hashed), no backoff, a wide TOTP window so that
         *  tests can use the codes of the next steps without waiting for them. */
        fun policy(lockoutAfter: Int = 10) = """
            {"attempts": {"backoff_base_secs": 0, "backoff_factor": 1, "backoff_cap_secs": 0,
                          "lockout_after": $lockoutAfter, "lockout_secs": ${if (lockoutAfter > 0) 3600 else 0}},
             "recovery_params": {"m_cost_kib": 64, "t_cost": 1, "p_cost": 1},
             "totp_window": 10, "max_open_logins": 16}
        """.trimIndent()

        val keyring: Keyring = Keyring("k1", SealingKey.fromBytes(ByteArray(32) { 7 }))
        val challengeKey: ChallengeKey = ChallengeKey.fromBytes(ByteArray(32) { 9 })

        fun url(store: String): String = when (store) {
            "sqlite" -> {
                val dir = Files.createTempDirectory("mfakit-kotlin")
                "sqlite://${dir.resolve("mfa.db")}"
            }
            else -> {
                val name = "MFAKIT_TEST_${store.uppercase()}_URL"
                val url = System.getenv(name)
                if (url.isNullOrEmpty()) {
                    if (System.getenv("MFAKIT_REQUIRE_SERVERS") == "1") fail<Unit>("$name is not set but MFAKIT_REQUIRE_SERVERS=1")
                    assumeTrue(false, "$name not set; skipping the $store store")
                }
                url!!
            }
        }

        fun open(url: String, lockoutAfter: Int = 10) =
            Mfa(url, keyring, challengeKey, "Example Co", policy(lockoutAfter))

        /** The code an authenticator app would show for `uri` at `t`. */
        fun codeAt(uri: String, t: Long): String = OtpAuthUri.parse(uri).totp().generateAt(t)

        private fun codeOf(block: () -> Unit): String = assertThrows<MfaException> { block() }.code()
    }

    /** Enrols a confirmed TOTP at `t`; returns (user, uri, recovery codes). */
    private fun enrolled(mfa: Mfa, t: Long, tag: String): Triple<String, String, List<String>> {
        val user = user(tag)
        val setup = mfa.setupTotp(user, "alice@example.com")
        assertFalse(setup.active())
        assertNull(setup.recoveryCodes())
        val ok = mfa.confirmTotp(user, codeAt(setup.uri(), t))
        assertTrue(ok.accepted, "$ok")
        val codes = ok.recoveryCodes!!.codes()
        return Triple(user, setup.uri(), codes)
    }

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun `totp enrolment, login, replay refusal and recovery codes`(store: String) {
        val mfa = open(url(store))
        assertEquals(store, mfa.storeKind())
        val t = unixNow()
        val user = user("flow")
        val setup = mfa.setupTotp(user, "alice@example.com")
        assertTrue(setup.uri().startsWith("otpauth://totp/Example%20Co:alice%40example.com?"), setup.uri())
        assertEquals(32, setup.secret().length)
        assertTrue(setup.qrSvg().contains("<svg"))
        assertEquals(0x89.toByte(), setup.qrPng()[0])
        assertEquals(listOf<Method>(), mfa.status(user).methods)
        assertTrue(mfa.status(user).totpPending)

        val wrong = mfa.confirmTotp(user, "000000".takeIf { it != codeAt(setup.uri(), t) } ?: "111111")
        assertEquals(Verdict.WRONG, wrong.verdict)
        assertEquals("wrong", wrong.verdict.code())
        assertEquals(9, wrong.attemptsLeft)
        val confirmed = mfa.confirmTotp(user, codeAt(setup.uri(), t))
        assertTrue(confirmed.accepted)
        assertNull(confirmed.claims, "a confirmation is not a login")
        val codes = confirmed.recoveryCodes!!.codes()
        assertEquals(10, codes.size)

        val status = mfa.status(user)
        assertEquals(listOf(Method.TOTP, Method.RECOVERY_CODE), status.methods)
        assertEquals(10, status.recoveryCodesLeft)
        assertNull(status.lockedUntil)
        assertFalse(status.totpPending)

        // The code accepted at enrolment is refused (used, not counted); the next step's works.
        val login = mfa.startLogin(user)
        assertEquals(listOf(Method.TOTP, Method.RECOVERY_CODE), login.methods)
        assertTrue(login.expiresAt > t)
        assertEquals(Verdict.USED, mfa.verify(login.id, Method.TOTP, codeAt(setup.uri(), t)).verdict)
        val ok = mfa.verify(login.id, Method.TOTP, codeAt(setup.uri(), t + 30))
        assertTrue(ok.accepted, "$ok")
        assertEquals(user, ok.userId)
        assertEquals(listOf("otp", "mfa"), ok.claims!!.amr)
        assertEquals("aal2", ok.claims!!.acr)
        assertTrue(ok.claims!!.authTime >= t)
        // The challenge is consumed.
        assertEquals(Verdict.USED, mfa.verify(login.id, Method.TOTP, codeAt(setup.uri(), t + 60)).verdict)

        // A recovery code works once.
        val viaCode = mfa.verify(mfa.startLogin(user).id, Method.RECOVERY_CODE, codes[3])
        assertTrue(viaCode.accepted)
        assertEquals(9, viaCode.recoveryCodesLeft)
        assertEquals(Verdict.WRONG, mfa.verify(mfa.startLogin(user).id, Method.RECOVERY_CODE, codes[3]).verdict)

        // The audit log tells the story, newest first.
        val events = mfa.audit(user)
        assertEquals(AuditKind.FAILED, events.first().kind)
        assertEquals("failed", events.first().kind.code())
        val kinds = events.map { it.kind.code() }.toSet()
        for (k in listOf("enrolled", "confirmed", "recovery_codes_regenerated", "challenge_started", "verified", "recovery_code_used")) {
            assertTrue(k in kinds, "$k missing from $kinds")
        }
        assertEquals(2, mfa.audit(user, 2).size)
        assertEquals("invalid_parameter", codeOf { mfa.audit(user, 0) })

        // The URI again, only when asked for explicitly.
        assertEquals(setup.uri(), mfa.revealTotpUri(user))
        mfa.close()
    }

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun `email and sms codes, resend cooldown, step-up`(store: String) {
        val mfa = open(url(store))
        val user = user("contact")
        val sent = mfa.setupEmail(user, "jane.doe@example.com")
        assertEquals(Method.EMAIL, sent.method())
        assertEquals("jane.doe@example.com", sent.contact())
        assertEquals("j***@example.com", sent.masked())
        assertEquals(6, sent.code().length)
        assertTrue(sent.expiresAt() > unixNow())
        assertEquals(Verdict.WRONG, mfa.confirmContact(user, Method.EMAIL, "not-it").verdict)
        val ok = mfa.confirmContact(user, Method.EMAIL, sent.code())
        assertTrue(ok.accepted)
        assertEquals(10, ok.recoveryCodes!!.count())

        val sms = mfa.setupSms(user, "+44 7700 900123")
        val smsOk = mfa.confirmContact(user, Method.SMS, sms.code())
        assertTrue(smsOk.accepted)
        assertNull(smsOk.recoveryCodes, "recovery codes come with the first method only")

        val login = mfa.startLogin(user)
        assertEquals(listOf(Method.EMAIL, Method.SMS, Method.RECOVERY_CODE), login.methods)
        assertEquals("j***@example.com", login.masked[Method.EMAIL])
        assertTrue(login.masked[Method.SMS]!!.endsWith("23"))
        // No code sent yet: nothing to compare.
        assertEquals(Verdict.EXPIRED, mfa.verify(login.id, Method.EMAIL, "123456").verdict)
        val code = mfa.sendCode(login.id, Method.EMAIL)
        val limited = assertThrows<MfaException.RateLimited> { mfa.sendCode(login.id, Method.EMAIL) }
        assertEquals("rate_limited", limited.code())
        assertTrue(limited.retryAfterSecs.toLong() in 1..60)
        val accepted = mfa.verify(login.id, Method.EMAIL, code.code())
        assertTrue(accepted.accepted)
        assertEquals("aal1", accepted.claims!!.acr)

        // Step-up by SMS: a code once.
        val up = mfa.sendStepUpCode(user, Method.SMS)
        val upOk = mfa.stepUp(user, Method.SMS, up.code())
        assertTrue(upOk.accepted, "$upOk")
        assertEquals(listOf("sms", "mfa"), upOk.claims!!.amr)
        assertEquals(Verdict.EXPIRED, mfa.stepUp(user, Method.SMS, up.code()).verdict)

        // Typed errors.
        assertEquals("invalid_parameter", codeOf { mfa.sendCode("nonsense", Method.EMAIL) })
        assertEquals("invalid_parameter", codeOf { mfa.sendCode(login.id, Method.TOTP) })
        assertEquals("invalid_parameter", codeOf { mfa.setupEmail(user, "nope") })
        assertEquals("not_enrolled", codeOf { mfa.startLogin(user("nobody")) })
        assertEquals("not_enrolled", codeOf { mfa.confirmTotp(user, "123456") })
        assertEquals("not_enrolled", codeOf { mfa.stepUp(user, Method.TOTP, "123456") })
        val e = assertThrows<MfaException.NotEnrolled> { mfa.startLogin(user("nobody")) }
        assertEquals("any", e.method)
    }

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun `disable needs a fresh step-up, lockout, operator unlock and reset`(store: String) {
        val mfa = open(url(store), lockoutAfter = 3)
        val t = unixNow()
        val (user, uri, codes) = enrolled(mfa, t, "manage")
        val stepUp = assertThrows<MfaException.StepUpRequired> { mfa.disable(user, Method.TOTP) }
        assertEquals("step_up_required", stepUp.code())
        assertTrue(mfa.stepUp(user, Method.TOTP, codeAt(uri, t + 30)).accepted)
        val fresh = mfa.regenerateRecoveryCodes(user).codes()
        assertEquals(10, fresh.size)
        assertFalse(mfa.stepUp(user, Method.RECOVERY_CODE, codes[0]).accepted, "old codes die")
        assertTrue(mfa.stepUp(user, Method.RECOVERY_CODE, fresh[0]).accepted)
        mfa.disable(user, Method.TOTP)
        assertEquals(listOf<Method>(), mfa.status(user).methods, "the last method takes the recovery codes along")
        assertEquals("not_enrolled", codeOf { mfa.regenerateRecoveryCodes(user) })

        // Three wrong codes lock the user out; even a right code is then refused.
        val (locked, uri2, _) = enrolled(mfa, t, "locked")
        repeat(3) { assertEquals(Verdict.WRONG, mfa.stepUp(locked, Method.RECOVERY_CODE, "aaaa-bbbb-cccc").verdict) }
        val refused = mfa.stepUp(locked, Method.TOTP, codeAt(uri2, t + 30))
        assertEquals(Verdict.LOCKED, refused.verdict)
        assertTrue(refused.retryAfter > 3000, "$refused")
        val status = mfa.status(locked)
        assertNotNull(status.lockedUntil)
        assertEquals(3, status.failures)

        // Operator commands.
        mfa.unlock(locked)
        assertNull(mfa.status(locked).lockedUntil)
        assertTrue(mfa.stepUp(locked, Method.TOTP, codeAt(uri2, t + 30)).accepted)
        mfa.reset(locked)
        assertEquals(listOf<Method>(), mfa.status(locked).methods)
        val kinds = mfa.audit(locked, 10).map { it.kind }
        assertEquals(AuditKind.RESET, kinds[0])
        assertTrue(AuditKind.UNLOCKED in kinds && AuditKind.LOCKED in kinds, "$kinds")
    }

    /** Runs `n` calls at once (released together by a barrier) and returns their verdicts. */
    private fun race(n: Int, call: (Int) -> Verification): List<Verdict> {
        val pool = Executors.newFixedThreadPool(n)
        try {
            val barrier = CyclicBarrier(n)
            val futures = (0 until n).map { i -> pool.submit<Verdict> { barrier.await(); call(i).verdict } }
            return futures.map { it.get(120, TimeUnit.SECONDS) }
        } finally {
            pool.shutdownNow()
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun `sixteen threads verifying one code - exactly one accepted`(store: String) {
        val url = url(store)
        // Two services on one store: the store's compare-and-swap decides, not only the
        // in-process queue of one service.
        val services = listOf(open(url, lockoutAfter = 0), open(url, lockoutAfter = 0))
        val mfa = services[0]
        val t = unixNow()
        val (user, uri, codes) = enrolled(mfa, t, "race")

        // One TOTP code against sixteen login challenges.
        val logins = (0 until 16).map { mfa.startLogin(user).id }
        val totp = codeAt(uri, t + 30)
        var v = race(16) { i -> services[i % 2].verify(logins[i], Method.TOTP, totp) }
        assertEquals(1, v.count { it == Verdict.ACCEPTED }, "$store totp: $v")

        // One challenge, sixteen verifications with the right code.
        val login = mfa.startLogin(user).id
        val next = codeAt(uri, t + 60)
        v = race(16) { i -> services[i % 2].verify(login, Method.TOTP, next) }
        assertEquals(1, v.count { it == Verdict.ACCEPTED }, "$store challenge: $v")
        assertEquals(15, v.count { it == Verdict.USED }, "$store challenge: $v")

        // One recovery code, sixteen step-ups.
        v = race(16) { i -> services[i % 2].stepUp(user, Method.RECOVERY_CODE, codes[5]) }
        assertEquals(1, v.count { it == Verdict.ACCEPTED }, "$store recovery: $v")
        assertEquals(9, mfa.status(user).recoveryCodesLeft)

        // One email code.
        val sent = mfa.setupEmail(user, "a@example.com")
        assertTrue(mfa.confirmContact(user, Method.EMAIL, sent.code()).accepted)
        val emailLogin = mfa.startLogin(user).id
        val email = mfa.sendCode(emailLogin, Method.EMAIL).code()
        v = race(16) { i -> services[i % 2].verify(emailLogin, Method.EMAIL, email) }
        assertEquals(1, v.count { it == Verdict.ACCEPTED }, "$store email: $v")
        services.forEach { it.close() }
    }

    @Test
    fun `coroutines on Dispatchers IO - sixteen verifications of one code, one accepted`() = runBlocking {
        val mfa = open(url("sqlite"), lockoutAfter = 0)
        val t = unixNow()
        val (user, uri, _) = enrolled(mfa, t, "coroutines")
        val login = mfa.startLogin(user).id
        val code = codeAt(uri, t + 30)
        val verdicts = (0 until 16)
            .map { async(Dispatchers.IO) { mfa.verify(login, Method.TOTP, code).verdict } }
            .awaitAll()
        assertEquals(1, verdicts.count { it == Verdict.ACCEPTED }, "$verdicts")
        assertEquals(15, verdicts.count { it == Verdict.USED }, "$verdicts")
        mfa.close()
    }

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun `no secret or code in any toString or audit event`(store: String) {
        val mfa = open(url(store))
        val t = unixNow()
        val user = user("redact")
        val setup = mfa.setupTotp(user, "alice@example.com", requireVerification = false)
        assertTrue(setup.active())
        val codes = setup.recoveryCodes()!!
        assertEquals(10, codes.count())
        val email = mfa.setupEmail(user, "jane.doe@example.com")
        val confirmed = mfa.confirmContact(user, Method.EMAIL, email.code())
        val login = mfa.startLogin(user)
        val sent = mfa.sendCode(login.id, Method.EMAIL)
        val verified = mfa.verify(login.id, Method.TOTP, codeAt(setup.uri(), t))
        val regenerated = mfa.regenerateRecoveryCodes(user)
        val verification = Verification(
            true, Verdict.ACCEPTED, user, Method.TOTP, 0L, null, null, regenerated, null,
        )

        val secrets = listOf(setup.secret(), setup.uri(), email.code(), sent.code(), "jane.doe@example.com", "jane.doe") +
            codes.codes() + regenerated.codes()
        val shown = listOf(
            setup, codes, email, confirmed, login, sent, verified, regenerated, verification, mfa,
            mfa.status(user),
        ).map { it.toString() } + mfa.audit(user, 1000).map { it.toString() }
        for (text in shown) for (s in secrets) assertFalse(text.contains(s), "`$s` in $text")
        assertTrue(regenerated.toString().contains("redacted"), regenerated.toString())
        assertTrue(verification.toString().contains("RecoveryCodes(10 codes"), verification.toString())
        assertTrue(sent.toString().contains("j***@example.com"), sent.toString())
    }

    @Test
    fun `construction errors are typed`() {
        val sqlite = url("sqlite")
        assertEquals("invalid_parameter", codeOf { Mfa("mysql://x", keyring, challengeKey, "Example Co") })
        assertEquals("invalid_parameter", codeOf { Mfa(sqlite, keyring, challengeKey, " ") })
        assertEquals("invalid_parameter", codeOf { Mfa(sqlite, keyring, challengeKey, "X", """{"nope": 1}""") })
        assertEquals("invalid_parameter", codeOf { Mfa(sqlite, keyring, challengeKey, "X", """{"totp_window": 99}""") })
        assertEquals("invalid_parameter", codeOf { Mfa(sqlite, keyring, challengeKey, "X", "[") })
        assertEquals("invalid_parameter", codeOf { Mfa(sqlite, keyring, challengeKey, "X", null, StoreOptions(maxConnections = 0)) })
        val down = assertThrows<MfaException.StorageUnavailable> {
            Mfa("postgres://nobody@127.0.0.1:1/none", keyring, challengeKey, "X", null, StoreOptions(timeoutMs = 1000))
        }
        assertEquals("storage_unavailable", down.code())
        assertEquals("storage_unavailable", codeOf {
            Mfa("redis://127.0.0.1:1/0", keyring, challengeKey, "X", null, StoreOptions(timeoutMs = 1000))
        })
        val mfa = Mfa("sqlite::memory:", keyring, challengeKey, "Example Co")
        assertEquals("sqlite", mfa.storeKind())
        assertEquals("invalid_parameter", codeOf { mfa.status("") })
        assertEquals("invalid_parameter", codeOf { mfa.status("a\nb") })
        assertEquals("invalid_parameter", codeOf { mfa.verify("abc.def", Method.TOTP, "1") })
        assertEquals(Method.RECOVERY_CODE, parseMethod("recovery_code"))
        assertEquals("recovery_code", Method.RECOVERY_CODE.code())
        assertEquals("invalid_parameter", codeOf { parseMethod("TOTP") })
        // The enums' codes are the core's names, shared by every binding.
        assertEquals(listOf("totp", "email", "sms", "recovery_code"), Method.entries.map { it.code() })
        assertEquals(
            listOf("accepted", "wrong", "expired", "used", "locked", "exhausted"),
            Verdict.entries.map { it.code() },
        )
        assertEquals(
            listOf(
                "enrolled", "confirmed", "challenge_started", "code_sent", "verified", "failed", "locked",
                "unlocked", "disabled", "recovery_codes_regenerated", "recovery_code_used", "reset",
            ),
            AuditKind.entries.map { it.code() },
        )
        // A service built with other keys cannot open this one's challenges.
        val other = Mfa("sqlite::memory:", Keyring("k1", SealingKey.generate()), challengeKey, "Example Co")
        val (user, _, _) = enrolled(mfa, unixNow(), "foreign")
        assertEquals("invalid_parameter", codeOf { other.verify(mfa.startLogin(user).id, Method.TOTP, "123456") })
    }
}
