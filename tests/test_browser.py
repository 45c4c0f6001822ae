"""A real browser (Debian's headless Chromium via Playwright) against the live app: the reader's view."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium (scripts/test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield browser
        browser.close()


def open_page(browser, url: str, width: int, height: int, foreign: list[str]):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": height})
    host = urlparse(url).netloc
    page.on("request", lambda request: foreign.append(request.url)
            if urlparse(request.url).scheme in ("http", "https", "ws", "wss") and urlparse(request.url).netloc != host else None)
    page.goto(url, wait_until="load")
    page.wait_for_selector("#question textarea", timeout=60_000)
    return page


def ask(page, question: str, timeout: float = 240) -> list[str]:  # type: ignore[no-untyped-def]
    """Type a question, press Ask, and return the states the last answer went through."""
    bubbles = page.locator("#chat .message-row")
    before = bubbles.count()
    page.fill("#question textarea", question)
    page.click("#ask")
    states: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bubbles.count() >= before + 2:
            text = bubbles.last.inner_text()
            if not states or states[-1] != text:
                states.append(text)
            if text and "▌" not in text and text != "…":
                return states
        time.sleep(0.05)
    raise TimeoutError(f"no answer to {question!r}; saw {states[-3:]}")


def test_reader_asks_sees_streamed_cited_answer_and_opens_the_passage(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    foreign: list[str] = []
    page = open_page(browser, live_server, 1280, 900, foreign)
    states = ask(page, "Who is Ahmed Kenani?")
    assert any("▌" in s for s in states), f"the answer did not stream: {states}"
    answer = page.locator("#chat .message-row").last
    assert "lawmaker" in answer.inner_text().lower() and "[1]" in answer.inner_text()
    answer.locator("details summary").first.click()
    mark = answer.locator("details mark").first
    mark.wait_for(state="visible")
    assert "Ahmed Kenani" in mark.inner_text()
    assert "Ahmed Kenani" in page.locator("#article mark").first.inner_text()
    assert "Ahmed Kenani" in page.locator("#sources mark").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "desktop.png"), full_page=True)
    ask(page, "What is his date of birth?")
    refusal = page.locator("#chat .message-row").last
    assert "doesn't say" in refusal.inner_text() and refusal.locator("blockquote").count() == 1
    page.click("#new-conversation")
    page.wait_for_function("document.querySelectorAll('#chat .message-row').length === 0")
    assert foreign == [], f"requests to other hosts: {foreign}"


def test_phone_view(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    foreign: list[str] = []
    page = open_page(browser, live_server, 400, 860, foreign)
    ask(page, "How many diplomatic missions went to Tehran?")
    assert "two" in page.locator("#chat .message-row").last.inner_text().lower()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400 + 1
    page.screenshot(path=str(ARTIFACTS / "phone.png"), full_page=True)
    assert foreign == [], f"requests to other hosts: {foreign}"


def test_markup_in_questions_and_articles_runs_nothing(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    foreign: list[str] = []
    page = open_page(browser, live_server, 1280, 900, foreign)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    ask(page, '<img src=x onerror="window.__xss = 3"><script>window.__xss = 4</script> Who is Ahmed Kenani?')
    assert "<img src=x" in page.locator("#chat .message-row").nth(-2).inner_text()
    assert "window.__xss = 1" in page.locator("#article").inner_text()  # the hostile article is shown as text
    assert page.evaluate("window.__xss") is None and dialogs == []
    assert page.locator("#article img, #article script, #chat img[src='x']").count() == 0
    assert foreign == [], f"requests to other hosts: {foreign}"
