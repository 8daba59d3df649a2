package mfakit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

/**
 * `Mfa.verify` through the JNI shortcut (bindings/src/jni.rs `mfaVerify`). Unlike the OTP calls
 * it is not pure, so the shortcut may fall back only before it runs, and carries errors back
 * itself. The expectations are written out, and the `uniffi-path` Surefire execution runs this
 * class again with `-Dmfakit.jni=false`: both paths give the same verdicts and exceptions.
 */
class ServiceJniTest {
    private fun wrongFor(vararg right: String) = listOf("000000", "111111", "222222").first { it !in right }

    private fun enrolled(mfa: Mfa, t: Long): Pair<String, String> {
        val user = ServiceTest.user("jni")
        val setup = mfa.setupTotp(user, "alice@example.com")
        assertTrue(mfa.confirmTotp(user, ServiceTest.codeAt(setup.uri(), t)).accepted)
        return user to setup.uri()
    }

    @ParameterizedTest
    @ValueSource(strings = ["sqlite", "postgres", "redis"])
    fun `wrong, right and used codes, each verification run once`(store: String) {
        val mfa = ServiceTest.open(ServiceTest.url(store))
        val t = unixNow()
        val (user, uri) = enrolled(mfa, t)
        val login = mfa.startLogin(user)
        // The enrolment's code is spent; the next steps' codes are in the window.
        val right = ServiceTest.codeAt(uri, t + 30)
        val wrong = wrongFor(right, ServiceTest.codeAt(uri, t + 60))

        // Each wrong code is counted exactly once: a verification run twice would count two.
        for (left in listOf(9, 8)) {
            val w = mfa.verify(login.id, Method.TOTP, wrong)
            assertEquals(Verdict.WRONG, w.verdict)
            assertFalse(w.accepted)
            assertEquals(user, w.userId)
            assertEquals(Method.TOTP, w.method)
            assertEquals(left, w.attemptsLeft)
            assertNull(w.claims)
            assertNull(w.recoveryCodes)
        }
        assertEquals(2, mfa.status(user).failures)
        // Unusual codes take the uniffi path, before anything ran: counted once too.
        for ((code, failures) in listOf("１２３４５６" to 3, "9".repeat(100) to 4)) {
            assertEquals(Verdict.WRONG, mfa.verify(login.id, Method.TOTP, code).verdict)
            assertEquals(failures, mfa.status(user).failures, code)
        }

        val ok = mfa.verify(login.id, Method.TOTP, right)
        assertTrue(ok.accepted, "$ok")
        assertEquals(Verdict.ACCEPTED, ok.verdict)
        assertEquals(user, ok.userId)
        assertEquals(listOf("otp", "mfa"), ok.claims!!.amr)
        assertEquals("aal2", ok.claims!!.acr)
        assertTrue(kotlin.math.abs(ok.claims!!.authTime - unixNow()) <= 5)
        val failures = mfa.status(user).failures

        // The challenge is consumed: any code, right or wrong, is `used` and counts nothing.
        val used = mfa.verify(login.id, Method.TOTP, ServiceTest.codeAt(uri, t + 60))
        assertEquals(Verdict.USED, used.verdict)
        assertFalse(used.accepted)
        assertEquals(Verdict.USED, mfa.verify(login.id, Method.TOTP, wrong).verdict)
        assertEquals(failures, mfa.status(user).failures)

        // A recovery code: the record's other fields cross too.
        val codes = mfa.regenerateRecoveryCodes(user).codes()
        val again = mfa.startLogin(user)
        val rc = mfa.verify(again.id, Method.RECOVERY_CODE, codes[0])
        assertTrue(rc.accepted, "$rc")
        assertEquals(Method.RECOVERY_CODE, rc.method)
        assertEquals(codes.size - 1, rc.recoveryCodesLeft)
        mfa.close()
    }

    @Test
    fun `errors keep their MfaException subclass, code and fields`() {
        val mfa = ServiceTest.open(ServiceTest.url("sqlite"))
        val (user, _) = enrolled(mfa, unixNow())
        val login = mfa.startLogin(user)

        val bad = assertThrows<MfaException.InvalidParameter> { mfa.verify("not-a-challenge", Method.TOTP, "123456") }
        assertEquals("invalid_parameter", bad.code())
        assertEquals("challenge_id", bad.name)
        assertEquals("is not a challenge id of this service", bad.reason)
        assertEquals("invalid parameter `challenge_id`: is not a challenge id of this service", bad.describe())

        val notEnrolled = assertThrows<MfaException.NotEnrolled> { mfa.verify(login.id, Method.EMAIL, "123456") }
        assertEquals("not_enrolled", notEnrolled.code())
        assertEquals("email", notEnrolled.method)

        // The same errors from the uniffi path (a non-ASCII argument falls back before the
        // verification runs): the same class, fields and message as through JNI.
        val viaUniffi = assertThrows<MfaException.InvalidParameter> { mfa.verify("not-a-challengé", Method.TOTP, "123456") }
        assertEquals(bad.message, viaUniffi.message)
        assertEquals(bad.describe(), viaUniffi.describe())
        val notEnrolledViaUniffi = assertThrows<MfaException.NotEnrolled> { mfa.verify(login.id, Method.EMAIL, "１２３４５６") }
        assertEquals(notEnrolled.message, notEnrolledViaUniffi.message)

        // The login is untouched by the refused calls.
        assertEquals(0, mfa.status(user).failures)
        mfa.close()
        // A closed service refuses like every uniffi object.
        assertThrows<IllegalStateException> { mfa.verify(login.id, Method.TOTP, "123456") }
    }
}
