"""Second opinions on trafilatura's output: prose paragraphs it left out that both resiliparse and
readability-lxml keep are put back, each as an `add_paragraph` edit.

A paragraph (a line of an extractor's output, whitespace collapsed) is held by an output when it
stands inside that output's text or at least half of its word 3-grams are in it. A line of
resiliparse's main-content text that trafilatura's output does not hold is a candidate when it
reads as prose (`chrome.line_value` above zero: twelve words or more ending like a sentence, or
long), no chrome pattern rule matches it and it is not all capitals; readability-lxml, most of the
cost, runs only when the candidates' words come to a tenth of trafilatura's (`JUDGED_SHARE`; on a
fifth of the benchmark pages: a lone extra line on a long article moves F1 little), and a
candidate it holds too is inserted after the trafilatura line that precedes it in resiliparse's
output. Measured in docs/extraction.md ("A second extractor for HTML")."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from importlib.metadata import version
from typing import TYPE_CHECKING

from pipeline.record import Edit
from pipeline.steps.chrome import line_value, pattern_rules, split_lines
from pipeline.steps.chrome_patterns import load_chrome_patterns

if TYPE_CHECKING:
    from lxml.html import HtmlElement

STEP = "extract"  # the edits are the extract step's (pipeline/steps/extract.py)
KIND = "add_paragraph"
REASON = (f"kept by resiliparse {version('resiliparse')} and readability-lxml {version('readability-lxml')}, "
          "left out by trafilatura (offset into trafilatura's output)")
CONTAIN = 0.5  # share of a line's word 3-grams another output must hold for it to hold the line
JUDGED_SHARE = 0.1  # readability-lxml runs when the candidates have this share of trafilatura's words
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
INVISIBLE = ("script", "style", "noscript", "template", "svg", "head", "iframe", "select", "button")
BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
))
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in lxml text


def normalised_lines(text: str) -> list[str]:
    """The non-empty lines of `text`, whitespace collapsed."""
    return [line for line in map(_collapsed, text.split("\n")) if line]


def _collapsed(raw: str) -> str:
    """`raw` with each run of whitespace one space, stripped."""
    return _SPACE.sub(" ", raw).strip()


def _shingles(line: str) -> set[tuple[str, ...]]:
    """The line's lower-cased word 3-grams (its words, when fewer than three)."""
    tokens = _WORD.findall(line.lower())
    return {tuple(tokens[i:i + 3]) for i in range(max(1, len(tokens) - 2))} if tokens else set()


class Output:
    """One extractor's output, for asking whether it holds a line."""

    def __init__(self, text: str) -> None:
        self.lines = normalised_lines(text)
        self.flat = " ".join(self.lines)
        self.grams: set[tuple[str, ...]] = set().union(*map(_shingles, self.lines))

    def holds(self, line: str) -> bool:
        """Whether `line` stands in this output or most of its word 3-grams do."""
        if line in self.flat:
            return True
        grams = _shingles(line)
        return bool(grams) and len(grams & self.grams) >= CONTAIN * len(grams)


def resiliparse_text(html: str) -> str:
    """resiliparse's main-content text of `html`, a paragraph per line (no bullets, alt texts or comments)."""
    try:
        return _resiliparse(html)
    except TypeError:  # its UTF-8 encoder rejects lone surrogates
        return _resiliparse(html.encode("utf-8", "replace").decode("utf-8"))


def _resiliparse(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, preserve_formatting=True, main_content=True, list_bullets=False,
                              alt_texts=False, comments=False)


def readability_text(html: str) -> str:
    """readability-lxml's summary of `html` as text, a line per block element ("" when it fails)."""
    import lxml.html
    from readability import Document

    # its failures reach us as the exception; its own traceback log line would only repeat it
    logging.getLogger("readability.readability").disabled = True
    try:
        summary = Document(html).summary()
        root = lxml.html.fromstring(CONTROL.sub("", summary))
    except Exception:  # readability-lxml raises its own Unparseable and lxml's errors on odd pages
        return ""
    return block_text(root)


def block_text(root: HtmlElement) -> str:
    """The visible text under `root`, a line per block element, whitespace collapsed."""
    from lxml import etree

    etree.strip_elements(root, *INVISIBLE, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in BLOCKS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    return "\n".join(normalised_lines(root.text_content()))


def candidate_lines(step: Output, other: Output) -> list[int]:
    """Indexes of `other`'s lines that `step` lacks and that read as prose, match no chrome rule
    and are not all capitals."""
    missing = [index for index, line in enumerate(other.lines) if not step.holds(line)]
    if not missing:
        return []
    lines = split_lines("".join(other.lines[index] + "\n" for index in missing))
    rules = pattern_rules(lines, load_chrome_patterns())
    return [index for index, line, rule in zip(missing, lines, rules, strict=True)
            if rule is None and line_value(line) > 0 and not (line.text.upper() == line.text != line.text.lower())]


def worth_judging(words: int, text: str, share: float = JUDGED_SHARE) -> bool:
    """Whether candidate lines of `words` words in all are worth readability-lxml's run on a page
    whose trafilatura output is `text`: they have `share` of its words."""
    return words > 0 and words >= share * len(text.split())


def _line_ends(text: str) -> list[tuple[str, int]]:
    """Each non-blank line of `text`, whitespace collapsed, with the offset just after it (after its "\\n")."""
    ends, start = [], 0
    for raw in text.split("\n"):
        start += len(raw) + 1
        if line := _collapsed(raw):
            ends.append((line, min(start, len(text))))
    return ends


def added_paragraphs(text: str, resiliparse: str, readability: Callable[[], str],
                     judged_share: float = JUDGED_SHARE) -> list[Edit]:
    """`add_paragraph` edits (offsets into `text`, trafilatura's output) for the prose lines of
    `resiliparse` that `text` lacks and `readability()` holds; `readability` is called only
    when such lines are `worth_judging` (`judged_share` of `text`'s words)."""
    step, other = Output(text), Output(resiliparse)
    candidates = set(candidate_lines(step, other))
    if not worth_judging(sum(len(other.lines[index].split()) for index in candidates), text, judged_share):
        return []
    judge = Output(readability())
    ends = _line_ends(text)
    edits, position, after = [], 0, 0  # after: offset past the trafilatura line matched last
    added: set[str] = set()
    for index, line in enumerate(other.lines):
        if index in candidates:
            if line not in added and judge.holds(line):
                added.add(line)
                inserted = f"\n{line}" if after == len(text) and text and not text.endswith("\n") else f"{line}\n"
                edits.append(Edit(STEP, KIND, after, after, "", inserted, REASON))
        elif step.holds(line):
            found = next((i for i in range(position, len(ends)) if line in ends[i][0] or ends[i][0] in line), None)
            if found is not None:
                position, after = found + 1, ends[found][1]
    return edits
