from pathlib import Path

import pytest

from chatbot.corpus import scan_corpus
from chatbot.errors import ChatbotError


def test_scan_reads_txt_and_md_and_skips_bad_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Alpha article. It has text.", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Beta\n\nMarkdown body.", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"caf\xe9 latin-1 text")
    (tmp_path / "d.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "e.pdf").write_bytes(b"%PDF")
    scan = scan_corpus([tmp_path])
    assert sorted(a.source.rsplit("/", 1)[-1] for a in scan.articles) == ["a.txt", "b.md"]
    reasons = {k.rsplit("/", 1)[-1]: v for k, v in scan.skipped.items()}
    assert "UTF-8" in reasons["c.txt"] and "empty" in reasons["d.txt"]


def test_missing_and_empty_folders_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ChatbotError, match="not found"):
        scan_corpus([tmp_path / "nope"])
    with pytest.raises(ChatbotError, match="no .txt or .md"):
        scan_corpus([tmp_path])
