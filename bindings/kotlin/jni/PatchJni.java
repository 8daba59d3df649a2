// Patches uniffi's generated Kotlin so that the hot calls try the JNI shortcut first
// (bindings/src/jni.rs, bindings/kotlin/src/main/kotlin/mfakit/MfakitJni.kt).
//
//     java PatchJni.java path/to/mfakit/mfakit_uniffi.kt
//
// Run by kotlin/pom.xml right after uniffi-bindgen (JDK 11+ runs a single source file, so the
// build needs nothing new). Each patch inserts a prologue at the top of one generated method;
// the generated body stays and runs whenever the prologue does not return (the natives are
// unavailable or answer "fall back"), so errors keep coming from uniffi. Every anchor must be
// found exactly once: a uniffi upgrade that changes the generated shape fails the build here
// instead of silently losing the shortcut.

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

public class PatchJni {
    // uniffi's callWithHandle, minus the handle clone (a JNA call): the native only borrows the
    // handle while the call counter keeps the object alive, exactly as callWithHandle does.
    static final String BORROW = String.join("\n",
        "",
        "    // mfakit (kotlin/jni/PatchJni.java): callWithHandle without the clone; JNI borrows the handle.",
        "    private inline fun <R> mfakitBorrowHandle(block: (handle: Long) -> R): R {",
        "        do {",
        "            val c = this.callCounter.get()",
        "            if (c == 0L) {",
        "                throw IllegalStateException(\"${this.javaClass.simpleName} object has already been destroyed\")",
        "            }",
        "            if (c == Long.MAX_VALUE) {",
        "                throw IllegalStateException(\"${this.javaClass.simpleName} call counter would overflow\")",
        "            }",
        "        } while (!this.callCounter.compareAndSet(c, c + 1L))",
        "        try {",
        "            return block(this.handle)",
        "        } finally {",
        "            if (this.callCounter.decrementAndGet() == 0L) {",
        "                cleanable?.clean()",
        "            }",
        "        }",
        "    }");

    static String generate(String call) {
        return "        if (MfakitJni.available) mfakitBorrowHandle { " + call + " }?.let { return it } // mfakit: JNI first";
    }

    // The native answers one long: a packed match (>= 0), NO_MATCH, or -1 (fall back). A code of
    // ASCII digits crosses as a number (`d`, with `code`'s length), any other as the string.
    static String verify(String call) {
        return String.join("\n",
            "        if (MfakitJni.available) { // mfakit: JNI first",
            "            val d = MfakitJni.digits(`code`)",
            "            val r = mfakitBorrowHandle { " + call + " }",
            "            if (r >= 0L) return MfakitJni.otpMatch(r)",
            "            if (r == MfakitJni.NO_MATCH) return null",
            "        }");
    }

    record Patch(String cls, String fn, String prologue) {}

    static final List<Patch> PATCHES = List.of(
        new Patch("Totp", "generateAt", generate("MfakitJni.totpGenerateAt(it, `unix`)")),
        new Patch("Totp", "generateStep", generate("MfakitJni.totpGenerateStep(it, `step`)")),
        new Patch("Totp", "generateNow", generate("MfakitJni.totpGenerateNow(it)")),
        new Patch("Totp", "verifyAt", verify(
            "MfakitJni.totpVerifyAt(it, if (d < 0L) `code` else null, d, `code`.length, `unix`, `window`.behind, `window`.ahead, `afterStep` != null, `afterStep` ?: 0L)")),
        new Patch("Totp", "verifyNow", verify(
            "MfakitJni.totpVerifyNow(it, if (d < 0L) `code` else null, d, `code`.length, `window`.behind, `window`.ahead, `afterStep` != null, `afterStep` ?: 0L)")),
        new Patch("Hotp", "generate", generate("MfakitJni.hotpGenerate(it, `counter`)")),
        new Patch("Hotp", "verify", verify("MfakitJni.hotpVerify(it, if (d < 0L) `code` else null, d, `code`.length, `counter`, `lookAhead`)")),
        new Patch("OtpChallenge", "verify", String.join("\n",
            "        if (MfakitJni.available) { // mfakit: JNI first",
            "            val out = LongArray(3)",
            "            val r = mfakitBorrowHandle { h -> `key`.mfakitBorrowHandleInt { k -> MfakitJni.challengeVerify(h, k, `input`, `now`, out) } }",
            "            if (r == MfakitJni.MATCH) {",
            "                val verdict = when (out[0].toInt()) {",
            "                    0 -> ChallengeVerdict.Accepted",
            "                    1 -> ChallengeVerdict.Wrong(out[1].toInt())",
            "                    2 -> ChallengeVerdict.Expired",
            "                    3 -> ChallengeVerdict.Exhausted",
            "                    else -> ChallengeVerdict.Used",
            "                }",
            "                // out[2] is a new handle of the updated challenge, owned by this object.",
            "                return ChallengeVerification(verdict, OtpChallenge(UniffiWithHandle, out[2]))",
            "            }",
            "        }")),
        // Not pure: the native falls back (null) only before the verification runs; afterwards
        // it answers the Verification or the MfaException uniffi would have (MfakitJni.verification).
        new Patch("Mfa", "verify", String.join("\n",
            "        if (MfakitJni.available) { // mfakit: JNI first",
            "            mfakitBorrowHandle { MfakitJni.mfaVerify(it, `challengeId`, `method`.ordinal, `code`) }",
            "                ?.let { return MfakitJni.verification(it) }",
            "        }")),
        new Patch(null, "unixNow",
            "    if (MfakitJni.available) MfakitJni.unixNow().let { if (it >= 0) return it } // mfakit: JNI first"));

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        if (lines.stream().anyMatch(l -> l.contains("mfakit: JNI first"))) {
            throw new IllegalStateException(file + " is already patched");
        }
        for (String cls : List.of("Totp", "Hotp", "OtpChallenge", "ChallengeKey", "Mfa")) {
            int start = classStart(lines, cls);
            int at = find(lines, start, classEnd(lines, start), Pattern.compile("^    protected val handle: Long$"), cls + ".handle");
            lines.add(at + 1, BORROW);
            if (cls.equals("ChallengeKey")) {
                // Borrowed by OtpChallenge.verify's prologue; a private inline function cannot be.
                lines.add(at + 2, "    internal fun mfakitBorrowHandleInt(block: (handle: Long) -> Int): Int = mfakitBorrowHandle(block)");
            }
        }
        for (Patch p : PATCHES) {
            int from = 0, to = lines.size();
            Pattern sig = Pattern.compile("(^|[^e]) fun `?" + p.fn + "`?\\(");
            if (p.cls != null) {
                from = classStart(lines, p.cls);
                to = classEnd(lines, from);
                sig = Pattern.compile("override fun `?" + p.fn + "`?\\(");
            }
            int at = find(lines, from, to, sig, (p.cls == null ? "" : p.cls + ".") + p.fn);
            while (!lines.get(at).stripTrailing().endsWith("{")) at++;
            lines.add(at + 1, p.prologue);
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static int classStart(List<String> lines, String cls) {
        return find(lines, 0, lines.size(), Pattern.compile("^open class " + cls + "\\s*:"), "class " + cls);
    }

    /** Where the class's region ends: the next top-level class (uniffi's output is flat). */
    static int classEnd(List<String> lines, int start) {
        for (int i = start + 1; i < lines.size(); i++) {
            if (lines.get(i).startsWith("open class ") || lines.get(i).startsWith("class ")
                    || lines.get(i).startsWith("object ") || lines.get(i).startsWith("public object ")) return i;
        }
        return lines.size();
    }

    static int find(List<String> lines, int from, int to, Pattern p, String what) {
        int found = -1;
        for (int i = from; i < to; i++) {
            if (p.matcher(lines.get(i)).find()) {
                if (found >= 0) throw new IllegalStateException(what + ": anchor found twice");
                found = i;
            }
        }
        if (found < 0) throw new IllegalStateException(what + ": anchor not found (has uniffi's generated Kotlin changed?)");
        return found;
    }
}
