"""py3langid's model, limited to langdetect's languages, in a compact, memory-mapped form.

py3langid unpickles its LZMA-compressed model in every process (0.1 s) and keeps the full model
beside the languages kept. Here it is loaded once the py3langid way (`from_pickled_model`, then
`set_languages`), and the arrays it then classifies with are kept in the cache (`pipeline.mapped`,
kind `py3langid-model`, keyed by the sha256 of py3langid's installed files, this module and the
languages): the feature weights and class priors of the languages kept (column-major, as
py3langid holds them, so its matrix product adds in the same order), the tokenizer's transitions
and, per state, the features it counts. A process maps them and gives them to py3langid's own
`LanguageIdentifier`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipeline import mapped

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

KIND = "py3langid-model"
_FORMAT = "newsarchive-py3langid-model/2"


def _build(languages: tuple[str, ...]) -> tuple[dict, dict[str, np.ndarray]]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(set(languages) & set(identifier.nb_classes)))
    states = np.array(sorted(identifier.tk_output), np.uint32)
    outputs = [identifier.tk_output[state] for state in states.tolist()]
    lengths = np.fromiter(map(len, outputs), np.int64, len(outputs))
    arrays = {
        "nb_ptc": identifier.nb_ptc,
        "nb_pc": identifier.nb_pc,
        "tk_nextmove": np.array(identifier.tk_nextmove, np.uint16),
        "output_states": states,
        "output_starts": np.concatenate(([0], np.cumsum(lengths))).astype(np.uint32),
        "output_features": np.array([f for features in outputs for f in features], np.uint32),
    }
    meta = {"nb_classes": list(identifier.nb_classes), "nb_numfeats": identifier.nb_numfeats}
    return meta, arrays


@cache
def identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    """py3langid's bundled model limited to those of `languages` it knows, mapped from the cache."""
    from py3langid.langid import LanguageIdentifier

    key = mapped.installed_key(_FORMAT, ["py3langid"], [Path(__file__)], *languages)
    found = mapped.load(KIND, key, lambda: _build(languages))
    arrays = found.arrays
    starts = arrays["output_starts"].tolist()
    features = arrays["output_features"].tolist()
    output = {state: tuple(features[starts[i] : starts[i + 1]])
              for i, state in enumerate(arrays["output_states"].tolist())}
    return LanguageIdentifier(arrays["nb_ptc"], arrays["nb_pc"], found.meta["nb_numfeats"], found.meta["nb_classes"],
                              memoryview(arrays["tk_nextmove"]), output, norm_probs=True)
