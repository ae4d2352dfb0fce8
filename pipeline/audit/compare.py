"""Two versions of a document compared: the text diff, and which step's edits account for it."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class StepChange:
    """Edits of one step present in only one of the two versions' edit logs."""

    step: str
    removed: list[Row] = field(default_factory=list)  # in A's log only
    added: list[Row] = field(default_factory=list)  # in B's log only


@dataclass(frozen=True, slots=True)
class Comparison:
    doc_id: str
    a: int
    b: int
    text_diff: list[str]
    capture_changed: bool  # the raw bytes differ (a new capture of a changed page)
    decoding_changed: bool  # the bytes were decoded with a different encoding
    steps: list[StepChange]  # steps whose edits differ, in pipeline order of first appearance

    @property
    def explained(self) -> bool:
        """Whether the text change (if any) is accounted for by the capture, decoding or a step."""
        return not self.text_diff or self.capture_changed or self.decoding_changed or bool(self.steps)


def _key(edit: Row) -> tuple[Any, ...]:
    return (edit["kind"], edit["start"], edit["end"], edit["before"], edit["after"], edit["reason"])


def step_changes(edits_a: list[Row], edits_b: list[Row]) -> list[StepChange]:
    """Per step, the edits only A's log has and those only B's has; steps without a difference are left out."""
    steps = list(dict.fromkeys(e["step"] for e in [*edits_a, *edits_b]))
    changes = []
    for step in steps:
        a = Counter(_key(e) for e in edits_a if e["step"] == step)
        b = Counter(_key(e) for e in edits_b if e["step"] == step)
        if a != b:
            changes.append(
                StepChange(
                    step,
                    [e for e in edits_a if e["step"] == step and _key(e) in a - b],
                    [e for e in edits_b if e["step"] == step and _key(e) in b - a],
                )
            )
    return changes


def compare(a: Row, b: Row, context: int = 3) -> Comparison:
    """Compare two `articles` rows of the same document."""
    text_diff = list(
        difflib.unified_diff(
            a["text"].splitlines(keepends=True),
            b["text"].splitlines(keepends=True),
            fromfile=f"{a['doc_id']} v{a['version']}",
            tofile=f"{b['doc_id']} v{b['version']}",
            n=context,
        )
    )
    return Comparison(
        doc_id=a["doc_id"],
        a=a["version"],
        b=b["version"],
        text_diff=text_diff,
        capture_changed=a["raw_sha256"] != b["raw_sha256"],
        decoding_changed=a["encoding"] != b["encoding"],
        steps=step_changes(a["edits"], b["edits"]),
    )
