#!/usr/bin/env bash
# An enrolment walk-through with the mfakit CLI: new secret, otpauth URI, QR code, the current
# code, verifying it, a wrong code failing, and the URI's fields. Used by `make demo`; it runs
# without any input (CI may run it) and exits 0 only if every step behaved as shown.
#
#   scripts/demo.sh path/to/mfakit
set -euo pipefail

mfakit=${1:?usage: scripts/demo.sh path/to/mfakit}
if [[ ! -x $mfakit ]]; then
    echo "demo.sh: $mfakit is not an executable (build it with: cargo build --release -p mfakit-cli)" >&2
    exit 2
fi

if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '$ %s\n' "$*"; }
# The value after "name:" in enroll's output.
field() { sed -n "s/^$1:[[:space:]]*//p" <<<"$enrolment" | head -n 1; }

step "1. Enrol alice@example.com with Example Co (SHA1, 6 digits, 30 s: every authenticator app)"
show 'mfakit enroll --issuer "Example Co" --account alice@example.com'
enrolment=$("$mfakit" enroll --issuer "Example Co" --account alice@example.com)
printf '%s\n' "$enrolment"

secret=$(field secret)
uri=$(field uri)
code=$(field code | cut -d' ' -f1)
[[ -n $secret && -n $uri && $code =~ ^[0-9]{6}$ ]] || {
    echo "demo.sh: enroll printed no secret, URI or code" >&2
    exit 1
}

step "2. The server stores the secret; the user types the code their app shows: it verifies"
show mfakit verify "\"$uri\"" "$code"
"$mfakit" verify "$uri" "$code"
echo "(exit status 0)"

step "3. The secret can come from standard input, out of shell history and the process list"
show "printf '%s\\n' \"\$SECRET\" | mfakit code -"
printf '%s\n' "$secret" | "$mfakit" code -

step "4. A wrong code is an answer, not an error: \"no match\" and exit status 1"
# Half the code space away; in the one-in-a-million case that this is a neighbouring step's
# code, move on.
for offset in 500000 250000 750000; do
    wrong=$(printf '%06d' $(((10#$code + offset) % 1000000)))
    show mfakit verify "\"$uri\"" "$wrong"
    status=0
    "$mfakit" verify "$uri" "$wrong" || status=$?
    echo "(exit status $status)"
    [[ $status -eq 1 ]] && break
    [[ $status -eq 0 ]] || exit "$status"
done
[[ $status -eq 1 ]] || exit 1

step "5. What the QR code carries (the secret is redacted unless --show-secret)"
show mfakit uri --json "\"$uri\""
"$mfakit" uri --json "$uri"

step "Done: enrolled, verified, refused a wrong code."
