"""`diff`: the text diff between two versions and the steps whose edits account for it."""

from __future__ import annotations

from tests.conftest import MOJIBAKE, AuditArchive


def test_diff_shows_text_and_accounts_by_step(audit_archive: AuditArchive, cli) -> None:
    code, result = cli.json("diff", audit_archive.changing, 1, 2, "--archive", audit_archive.root)
    assert code == 0 and result["explained"]
    assert any(line.startswith("-The council met on Monday") for line in result["text_diff"])
    assert any(line.startswith("+The council met on Tuesday") for line in result["text_diff"])
    assert result["capture_changed"] is True
    assert [s["step"] for s in result["steps"]] == ["encoding"]
    assert [e["before"] for e in result["steps"][0]["added"]] and not result["steps"][0]["removed"]
    assert "".join(e["before"] for e in result["steps"][0]["added"]) in MOJIBAKE


def test_diff_human_output_and_missing_version(audit_archive: AuditArchive, cli) -> None:
    code, out = cli("diff", audit_archive.changing, 1, 2, "--archive", audit_archive.root)
    assert code == 0
    assert "step encoding: 0 edits only in v1" in out and "capture: the raw bytes differ" in out
    code, out = cli("diff", audit_archive.changing, 2, 2, "--archive", audit_archive.root)
    assert code == 0 and "is the same" in out
    assert cli("diff", audit_archive.changing, 1, 3, "--archive", audit_archive.root)[0] == 1
