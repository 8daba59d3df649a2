"""The demo driven the way a user drives it, in Chromium: every flow of issue 13, in order.

Each test starts from the state the previous one left (one user, alice, one browser), so they
run in file order. Codes come from the pages (QR code, outbox) and from `totp.Authenticator`,
the test's own RFC 6238 implementation, never from mfakit.
"""

from __future__ import annotations

import base64
import re
import subprocess
import time
from types import SimpleNamespace
from urllib.parse import unquote

from conftest import ARTIFACTS, LOCKOUT_AFTER, STEP_UP_MAX_AGE
from playwright.sync_api import Page, expect
from totp import Authenticator

EMAIL = "alice@example.com"
PASSWORD = "correct horse battery"
alice = SimpleNamespace(app=None, codes=[], events=[])
shots = iter(range(1, 1000))


def shot(page: Page, name: str) -> None:
    """Saves the page the browser shows now: every page the test visits gets one."""
    page.wait_for_load_state()
    page.screenshot(path=ARTIFACTS / f"{next(shots):02d}-{name}.png", full_page=True)


def go(page: Page, path: str, name: str) -> None:
    page.goto(path)
    shot(page, name)


def flash(page: Page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def click(page: Page, name: str, shot_name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    shot(page, shot_name)


def sign_out(page: Page) -> None:
    click(page, "Sign out", "signed-out")


def sign_in_password(page: Page) -> None:
    go(page, "/signin", "sign-in")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    click(page, "Sign in", "second-factor")
    expect(page).to_have_url(re.compile("/signin/mfa$"))


def enter(page: Page, method: str, code: str, button: str, shot_name: str) -> None:
    form = page.locator(f"form:has(input[name=method][value={method}]):has(input[name=code])")
    form.locator("input[name=code]").fill(code)
    form.get_by_role("button", name=button).click()
    shot(page, shot_name)


def latest_mail_code(page: Page) -> str:
    """The code in the newest message to alice on the outbox page (the demo's mail stand-in)."""
    go(page, "/outbox", "outbox")
    row = page.locator("#outbox tr", has_text=EMAIL).first.inner_text()
    return re.search(r"code is (\d+)", row).group(1)


def send_email_code(page: Page) -> str:
    page.get_by_role("button", name="Send code").click()
    shot(page, "code-sent")
    assert "Code sent to" in flash(page)
    back = page.url
    code = latest_mail_code(page)
    go(page, back, "code-form")
    return code


def test_sign_up_and_enrol_authenticator_app(page: Page) -> None:
    go(page, "/", "home")
    page.get_by_role("link", name="Sign up").first.click()
    shot(page, "sign-up")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    click(page, "Sign up", "settings-new-user")
    expect(page.locator("#status")).to_contain_text("none")

    click(page, "Add an authenticator app", "enrol-totp")
    page.screenshot(path=ARTIFACTS / "readme-enrol.png")  # docs/img/ (make readme-images)
    # The QR code as a phone sees it: the <img> as rendered, decoded by zbar.
    qr_png = ARTIFACTS / "qr.png"
    page.locator("#qr").screenshot(path=qr_png)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(qr_png)], capture_output=True, text=True, check=True)
    uri = decoded.stdout.strip()
    alice.app = Authenticator(uri)
    assert alice.app.issuer == "mfakit demo" and alice.app.label == f"mfakit demo:{EMAIL}", uri
    assert unquote(uri).count(page.locator("#secret").inner_text()) == 1

    page.fill("input[name=code]", alice.app.next_code())
    click(page, "Confirm", "recovery-codes")
    alice.codes = page.locator("#codes li").all_inner_texts()
    assert len(alice.codes) == 10 and "Authenticator app added" in flash(page)
    download = page.get_by_role("link", name="Download as text")
    assert download.get_attribute("download") == "mfakit-demo-recovery-codes.txt"
    text = base64.b64decode(download.get_attribute("href").split(",", 1)[1]).decode()
    assert all(code in text for code in alice.codes)


def test_add_email_confirmed_by_code_from_outbox(page: Page) -> None:
    go(page, "/settings", "settings")
    page.fill("input[name=address]", EMAIL)
    click(page, "Send code", "enrol-email")
    assert "Code sent to" in flash(page)
    code = latest_mail_code(page)
    go(page, "/enrol/email", "enrol-email-code")
    page.fill("input[name=code]", code)
    click(page, "Confirm", "email-confirmed")
    assert "Email address confirmed" in flash(page)
    expect(page.locator("#status")).to_contain_text("totp, email, recovery_code")


def test_sign_in_with_authenticator_app(page: Page) -> None:
    sign_out(page)
    sign_in_password(page)
    page.screenshot(path=ARTIFACTS / "readme-login.png")
    # Every available method is offered.
    for label in ("Code from your authenticator app", "Code from the email", "Recovery code"):
        expect(page.get_by_label(label)).to_be_visible()
    expect(page.get_by_text("Email a code to a***@example.com")).to_be_visible()
    alice.used_totp = alice.app.next_code()
    enter(page, "totp", alice.used_totp, "Verify", "signed-in-totp")
    expect(page.get_by_text("Signed in with a second factor")).to_be_visible()
    # The JSON routes (mfakit.fastapi.mfa_router) share the session.
    status = page.request.get("/api/mfa/status")
    assert status.ok and status.json()["methods"] == ["totp", "email", "recovery_code"], status.text()


def test_replayed_code_refused_then_email_code_with_resend_cooldown(page: Page) -> None:
    sign_out(page)
    sign_in_password(page)
    enter(page, "totp", alice.used_totp, "Verify", "totp-replayed")
    assert "already used" in flash(page)

    code = send_email_code(page)
    # A second send within the cooldown is refused with the wait.
    click(page, "Send code", "resend-cooldown")
    assert re.search(r"ask for a new one in \d+ s", flash(page)), flash(page)
    enter(page, "email", code, "Verify", "signed-in-email")
    expect(page.get_by_text("Signed in with a second factor")).to_be_visible()


def test_recovery_code_works_once(page: Page) -> None:
    sign_out(page)
    sign_in_password(page)
    enter(page, "recovery_code", alice.codes[0], "Use recovery code", "signed-in-recovery-code")
    assert "Recovery code used: 9 left" in flash(page)

    sign_out(page)
    sign_in_password(page)
    enter(page, "recovery_code", alice.codes[0], "Use recovery code", "recovery-code-reused")
    assert f"Wrong code. {LOCKOUT_AFTER - 1} attempts left" in flash(page)
    wait_out_backoff(page)
    enter(page, "email", send_email_code(page), "Verify", "signed-in-email-again")
    expect(page.get_by_text("Signed in with a second factor")).to_be_visible()


def wait_out_backoff(page: Page) -> None:
    wait = re.search(r"Next try in (\d+) s", flash(page))
    if wait:
        time.sleep(int(wait.group(1)) + 1)


def test_transfer_needs_a_fresh_second_factor(page: Page) -> None:
    go(page, "/transfer", "transfer-fresh")
    click(page, "Send money", "transfer-sent")
    assert "Sent 10 demo euros to Bob" in flash(page)

    time.sleep(STEP_UP_MAX_AGE + 1.5)
    go(page, "/transfer", "transfer-stale")
    expect(page).to_have_url(re.compile(r"/step-up\?next=/transfer&reason=mfa_stale"))
    expect(page.get_by_text(f"more than {STEP_UP_MAX_AGE} s old")).to_be_visible()
    enter(page, "totp", alice.app.next_code(), "Verify", "step-up-done")
    expect(page).to_have_url(re.compile("/transfer$"))
    click(page, "Send money", "transfer-sent-after-step-up")
    assert "Sent 10 demo euros to Bob" in flash(page)


def test_disable_method_asks_for_step_up(page: Page) -> None:
    time.sleep(STEP_UP_MAX_AGE + 1.5)
    go(page, "/settings", "settings")
    click(page, "Remove email", "disable-needs-step-up")
    expect(page).to_have_url(re.compile(r"/step-up\?next=/settings&reason=step_up_required"))
    enter(page, "email", send_email_code(page), "Verify", "step-up-for-disable")
    expect(page).to_have_url(re.compile("/settings$"))
    click(page, "Remove email", "email-removed")
    assert "Removed email" in flash(page)
    expect(page.locator("#status")).to_contain_text("totp, recovery_code")


def test_regenerate_recovery_codes(page: Page) -> None:
    go(page, "/settings", "settings")
    expect(page.locator("#status")).to_contain_text("9")
    click(page, "New recovery codes", "new-recovery-codes")
    fresh = page.locator("#codes li").all_inner_texts()
    assert len(fresh) == 10 and not set(fresh) & set(alice.codes)
    go(page, "/settings", "settings-after-regenerate")
    expect(page.locator("#status")).to_contain_text("10")


def test_audit_log_shows_each_event(page: Page) -> None:
    go(page, "/audit", "audit")
    rows = {
        tuple(cell.strip() for cell in row.split("\t")[1:])
        for row in page.locator("#audit tr").all_inner_texts()[1:]
    }
    kinds = {row[0] for row in rows}
    for kind in ("enrolled", "confirmed", "challenge_started", "code_sent", "verified", "failed",
                 "recovery_code_used", "disabled", "recovery_codes_regenerated"):
        assert kind in kinds, (kind, rows)
    methods = {(kind, method) for kind, method, *_ in rows}
    assert {("confirmed", "totp"), ("confirmed", "email"), ("verified", "totp"), ("verified", "email"),
            ("verified", "recovery_code"), ("failed", "recovery_code"), ("disabled", "email")} <= methods, rows
    assert any(kind == "verified" and outcome == "step_up" for kind, _, outcome in rows), rows


def test_wrong_codes_lock_the_user_out_and_say_until_when(page: Page) -> None:
    sign_out(page)
    sign_in_password(page)
    for attempt in range(1, LOCKOUT_AFTER + 1):
        enter(page, "totp", alice.app.wrong_code(), "Verify", f"wrong-code-{attempt}")
        if "Locked" in flash(page):
            break
        assert "Wrong code" in flash(page), flash(page)
        wait_out_backoff(page)
    message = flash(page)
    match = re.search(r"Locked: too many wrong codes\. Try again at (\d\d:\d\d:\d\d) UTC \(in (\d+) s\)", message)
    assert match, message
    assert attempt == LOCKOUT_AFTER and 290 <= int(match.group(2)) <= 300
    # Locked: even the right code is refused now, with the same answer.
    enter(page, "totp", alice.app.next_code(), "Verify", "locked-right-code")
    assert "Locked: too many wrong codes. Try again at" in flash(page)
