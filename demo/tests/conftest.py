"""The demo app on a free port with a fresh data folder, and Debian's chromium driven by
Playwright with a fresh profile. Every page the test sees is saved to demo/artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

DEMO = Path(__file__).resolve().parent.parent
ARTIFACTS = DEMO / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Short enough for the test to wait out: a second factor older than this is asked again.
STEP_UP_MAX_AGE = 5
LOCKOUT_AFTER = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    data = Path(tempfile.mkdtemp(prefix="mfakit-demo-e2e-"))
    port = free_port()
    env = dict(os.environ, PORT=str(port), DEMO_DATA_DIR=str(data),
               DEMO_STEP_UP_MAX_AGE=str(STEP_UP_MAX_AGE), DEMO_LOCKOUT_AFTER=str(LOCKOUT_AFTER))
    log = open(data / "server.log", "w")
    server = subprocess.Popen([sys.executable, str(DEMO / "app.py")], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise RuntimeError("demo did not start:\n" + (data / "server.log").read_text())
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(10)
        log.close()
        print("\n--- demo server log ---\n" + (data / "server.log").read_text())
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def context(base_url: str) -> Iterator[BrowserContext]:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir()
    profile = tempfile.mkdtemp(prefix="mfakit-demo-chromium-")
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            base_url=base_url, viewport={"width": 760, "height": 640}, accept_downloads=True,
        )
        ctx.set_default_timeout(15_000)
        try:
            yield ctx
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def page(context: BrowserContext) -> Page:
    return context.pages[0] if context.pages else context.new_page()
