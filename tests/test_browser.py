"""A real browser (Debian's headless Chromium via Playwright) against the live app: the reader's view."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from chatbot.ui import STATUS_CLASS
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


# The last chat bubble's text without its status badge, and whether the badge (work in progress) is there.
_LAST_ANSWER = f"""() => {{
  const rows = document.querySelectorAll('#chat .message-row');
  const copy = rows[rows.length - 1].cloneNode(true);
  const badges = copy.querySelectorAll('.{STATUS_CLASS}');
  badges.forEach(b => b.remove());
  return [copy.textContent.split(/\\s+/).join(' ').trim(), badges.length > 0];
}}"""


def ask(page, question: str, timeout: float = 240) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """Type a question, press Ask, and return every state the answer went through: (text shown as the answer, busy)."""
    bubbles = page.locator("#chat .message-row")
    before = bubbles.count()
    page.fill("#question textarea", question)
    page.click("#ask")
    states: list[tuple[str, bool]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bubbles.count() >= before + 2:
            text, busy = page.evaluate(_LAST_ANSWER)
            if not states or states[-1] != (text, busy):
                states.append((text, busy))
            if text and not busy:
                return states
        time.sleep(0.02)
    raise TimeoutError(f"no answer to {question!r}; saw {states[-3:]}")


def assert_only_checked_text_was_shown(states: list[tuple[str, bool]]) -> None:
    """Every frame's answer text is a prefix of the final answer: nothing shown was later taken back."""
    final = states[-1][0]
    assert any(busy for _, busy in states), f"no status was shown while the answer was checked: {states}"
    for text, _ in states:
        assert final.startswith(text), f"shown, then taken back: {text!r} is not a prefix of {final!r}"


def test_reader_asks_sees_streamed_cited_answer_and_opens_the_passage(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    foreign: list[str] = []
    page = open_page(browser, live_server, 1280, 900, foreign)
    assert_only_checked_text_was_shown(ask(page, "Who is Ahmed Kenani?"))
    answer = page.locator("#chat .message-row").last
    assert "lawmaker" in answer.inner_text().lower() and "[1]" in answer.inner_text()
    answer.locator("details summary").first.click()
    mark = answer.locator("details mark").first
    mark.wait_for(state="visible")
    assert "Ahmed Kenani" in mark.inner_text()
    assert "Ahmed Kenani" in page.locator("#article mark").first.inner_text()
    assert "Ahmed Kenani" in page.locator("#sources mark").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "desktop.png"), full_page=True)
    assert_only_checked_text_was_shown(ask(page, "What is his date of birth?"))
    refusal = page.locator("#chat .message-row").last
    assert "doesn't say" in refusal.inner_text() and refusal.locator("blockquote").count() == 1
    page.click("#new-conversation")
    page.wait_for_function("document.querySelectorAll('#chat .message-row').length === 0")
    assert foreign == [], f"requests to other hosts: {foreign}"


def test_phone_view(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    foreign: list[str] = []
    page = open_page(browser, live_server, 400, 860, foreign)
    assert_only_checked_text_was_shown(ask(page, "Which militias are named, and what did they vow?"))
    assert_only_checked_text_was_shown(ask(page, "How many diplomatic missions went to Tehran?"))
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


def _add_article(page, path: Path) -> str:  # type: ignore[no-untyped-def]
    """Add a file in the "Add your own article" panel; the status line it gets."""
    page.locator("#upload input[type=file]").set_input_files(str(path))
    page.wait_for_function("document.querySelector('#upload') && !document.querySelector('#upload .uploading')", timeout=30_000)
    page.click("#add")
    # Done: the line about this file (not the last one under Gradio's running timer).
    done = f"""(t => t.includes({path.name!r}) && !/^\\d+\\.\\ds/.test(t))(document.querySelector('#upload-status').innerText)"""
    page.wait_for_function(done, timeout=180_000)
    return str(page.locator("#upload-status").inner_text())


def test_reader_adds_an_article_asks_about_it_and_only_they_see_it(browser, live_server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "harbour-notes.txt"
    notes.write_text("Harbour Notes\n\nThe Zorbian river festival was founded in 1871 by Mara Quell. "
                     "It is held every May in the old port.\n", encoding="utf-8")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    page = open_page(browser, live_server, 1280, 900, [])
    page.locator("#add-article").get_by_text("Add your own article").click()
    assert "⚠ photo.txt: that is a binary file" in _add_article(page, binary)
    assert "Added Harbour Notes (harbour-notes.txt)" in _add_article(page, notes)
    answer = ask(page, "Who founded the Zorbian river festival?")[-1][0]
    assert "Mara Quell" in answer and "[1]" in answer
    page.locator("#chat .message-row").last.locator("details summary").first.click()
    assert "uploads/" in page.locator("#chat .message-row").last.locator("details summary").first.inner_text()
    page.reload(wait_until="load")  # the same browser session: its article is still there
    page.wait_for_selector("#question textarea", timeout=60_000)
    assert "Mara Quell" in ask(page, "Who founded the Zorbian river festival?")[-1][0]
    stranger = open_page(browser, live_server, 1280, 900, [])  # another browser session: never sees it
    assert "doesn't say" in ask(stranger, "Who founded the Zorbian river festival?")[-1][0]
