"""Spin repair: a substitution lexicon scored in context by a language model.

`lexicon` (spun form → candidate originals with priors), `language_model` (bigram counts that install
with the project, adapted by the archive's own counts in `archive_counts`), `tokens` (words, sentences
and the spans no repair may touch), `decoder` (Viterbi choice per sentence with a margin), `detector`
(is the document spun at all) and `explain` (what was chosen and rejected, and why).
"""
