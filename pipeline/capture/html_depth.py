"""HTML nested deeper than the parser's depth limit, flattened so its text can be extracted.

libxml2 (under lxml, under trafilatura) stops building the tree at 256 levels; everything below,
often the article itself, is lost without a word. A page that hits the limit is rewritten with
every tag deeper than `MAX_DEPTH` removed (their text stays, in document order), and the caller
records how many tags went."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

PARSER_DEPTH_LIMIT = 256  # libxml2's limit without XML_PARSE_HUGE (huge_tree raises it only to 2048)
MAX_DEPTH = 128  # tags nested deeper than this are removed from a page that hits the limit
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?>")
_VOID = frozenset(  # elements without an end tag
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
_IMPLIED_END = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})


@dataclass(frozen=True, slots=True)
class Flattened:
    html: str
    removed_tags: int  # start and end tags removed
    deepest: int  # the nesting depth found
    max_depth: int

    @property
    def note(self) -> str:
        return (
            f"after removing {self.removed_tags} tags nested deeper than {self.max_depth}"
            f" (the page nests {self.deepest} deep, past the parser's limit of {PARSER_DEPTH_LIMIT})"
        )


def exceeds_parser_depth(html: str) -> bool:
    """True when libxml2's HTML parser gives up on `html` for its nesting depth."""
    if html.count("<") < PARSER_DEPTH_LIMIT:
        return False  # too few tags to nest that deep
    parser = etree.HTMLParser(recover=True, no_network=True)
    etree.fromstring(html.encode("utf-8", "surrogatepass"), parser)
    return any(entry.type_name == "ERR_RESOURCE_LIMIT" and "depth" in entry.message for entry in parser.error_log)


def flatten_deep_html(html: str, max_depth: int = MAX_DEPTH) -> Flattened | None:
    """`html` with every tag nested deeper than `max_depth` removed, when the parser's depth
    limit would cut it; None when the page parses whole."""
    if not exceeds_parser_depth(html):
        return None
    kept: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag name, kept)
    position = removed = deepest = 0
    for match in _TAG.finditer(html):
        closing, name = match.group(1) == "/", match.group(2).lower()
        keep = True
        if closing:
            if any(open_name == name for open_name, _ in stack):
                while stack:
                    open_name, keep = stack.pop()
                    if open_name == name:
                        break
        elif name not in _VOID and not match.group(0).endswith("/>"):
            if name in _IMPLIED_END and stack and stack[-1][0] == name:
                stack.pop()  # an implied end tag: <p>one<p>two
            keep = len(stack) < max_depth
            stack.append((name, keep))
            deepest = max(deepest, len(stack))
        else:
            keep = len(stack) < max_depth
        kept.append(html[position : match.start()])
        if keep:
            kept.append(match.group(0))
        else:
            removed += 1
        position = match.end()
    kept.append(html[position:])
    return Flattened("".join(kept), removed, deepest, max_depth)
