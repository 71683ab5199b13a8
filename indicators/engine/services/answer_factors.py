"""Results per question beside the factor scores: what a factor's published mean lets someone work out.

A resident's score on a factor is the mean of their scored answers to its questions, and the neighbourhood's
figure is the mean of those over its residents (``services/factors``). Where every resident answered every
scored question of the factor with a scored answer, that mean times the number of residents and of questions
is exactly the sum, over the questions, of each option's count times its score. Take away what the shown
counts contribute and what is left is the withheld counts' total score, over all the factor's questions at
once. With each question's number who answered, that is one more equation on the withheld counts:

- one question with two withheld answers (say a yes or no question, or a scale whose small answer was held
  back with the next smallest): two equations, two unknowns, and both counts follow;
- a longer scale or several questions held back: usually many counts fit, but not always (whole numbers and
  scores such as 33 and 67 can leave only one way to make the total).

So the check here is exact: for each withheld count, is there another set of withheld counts, each question's
adding up to what it withholds, with the same total score, in which that count differs? Where there is none,
more is withheld: first the rest of that question, then the factor's other scored questions one at a time
(their shown counts joining the unknowns), until every withheld count could be more than one number, or the
factor's questions are all withheld (then only the factor's own figure is left, and what it gives away it
gives away without these pages; a question alone in its factor with two answers is that case).

Where residents skipped a question or chose an answer without a score ("Don't know"), each resident's mean
has a different number of answers behind it and the factor's mean is no longer that sum; the same check is
made, as the closest test there is. The factor's share above 50 and its spread are residents' scores taken
whole, not counts, and are not used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unknowns:
    """One question's withheld answers: their scores (None: an answer without a score) and how many residents
    chose one of them (known: the number who answered less the shown counts)."""

    key: tuple
    scores: tuple[int | None, ...]
    total: int


def _fold(bits: int, scores: list[int], times: int, mask: int) -> int:
    """Sums reachable from ``bits`` by adding ``times`` scores, one resident at a time (``mask``: the sums that
    matter)."""
    for _ in range(times):
        step = 0
        for score in scores:
            step |= bits << score
        bits = step & mask
    return bits


def _points(scores: tuple[int | None, ...]) -> list[int]:
    return sorted({s or 0 for s in scores})


def pinned(unknowns: list[Unknowns], known_total: int) -> set[tuple]:
    """The questions (keys) with a withheld count that only one set of withheld counts can give: with every
    question's withheld residents adding up to its ``total``, and all of them to ``known_total`` points."""
    mask = (1 << (known_total + 1)) - 1
    out = set()
    for j, item in enumerate(unknowns):
        others = 1
        for i, other in enumerate(unknowns):
            if i != j:
                others = _fold(others, _points(other.scores), other.total, mask)
        for o, score in enumerate(item.scores):
            rest = _points(tuple(s for p, s in enumerate(item.scores) if p != o))
            # layers[c]: the others' sums plus c residents on this question's other withheld answers.
            layers = [others]
            for _ in range(item.total):
                layers.append(_fold(layers[-1], rest, 1, mask) if rest else 0)
            values = 0
            for v in range(item.total + 1):
                left = known_total - v * (score or 0)
                if left >= 0 and layers[item.total - v] >> left & 1:
                    values += 1
                    if values > 1:
                        break
            if values <= 1:
                out.add(item.key)
                break
    return out
