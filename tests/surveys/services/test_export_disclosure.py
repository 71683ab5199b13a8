"""Disclosure control on its own: whatever the answers, no combination shared by fewer than k goes out."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.services.export_disclosure import LEFT_OUT, coarsen, quasi_identifier

AGE = [
    ("16_24", "16 to 24"),
    ("25_34", "25 to 34"),
    ("35_44", "35 to 44"),
    ("45_54", "45 to 54"),
    ("55_64", "55 to 64"),
    ("65_74", "65 to 74"),
    ("75_plus", "75 or over"),
    ("prefer_not", "Prefer not to say"),
]
SEX = [("female", "Female"), ("male", "Male"), ("prefer_not", "Prefer not to say")]
EMPLOYMENT = [(c, c.replace("_", " ").capitalize()) for c in ("full_time", "part_time", "unemployed", "retired")]
TENURE = [(c, c.replace("_", " ").capitalize()) for c in ("own", "council", "private_rent", "other")]
COLUMNS = [
    quasi_identifier(key="age_band", kind="single", demographic="age_band", options=AGE),
    quasi_identifier(key="sex", kind="single", demographic="sex", options=SEX),
    quasi_identifier(key="employment", kind="single", demographic="", options=EMPLOYMENT),
    quasi_identifier(key="tenure", kind="single", demographic="", options=TENURE),
    quasi_identifier(key="years_at_address", kind="number", demographic="", options=[]),
]
OPTIONS = [AGE, SEX, EMPLOYMENT, TENURE]


def answer(options):
    return st.one_of(st.none(), st.sampled_from([code for code, _ in options]))


ROW = st.tuples(*(answer(o) for o in OPTIONS), st.one_of(st.none(), st.integers(min_value=0, max_value=80)))


def truthful(column, raw, cell) -> bool:
    """A cell says what the resident said, perhaps less precisely, or nothing: never something else."""
    return cell == "" or any(step.show(raw) == cell for step in column.steps)


@settings(max_examples=300, deadline=None)
@given(raws=st.lists(ROW, max_size=60), k=st.integers(min_value=5, max_value=15))
def test_every_combination_is_shared_by_at_least_k_or_nothing_is_shown(raws, k):
    done = coarsen(columns=COLUMNS, raws=raws, k=k)
    combinations = Counter(tuple(row) for row in done.cells)
    if len(raws) >= k:
        assert min(combinations.values(), default=k) >= k, combinations
    else:
        # Fewer respondents than k: every such column is left out, so all rows share the one blank combination.
        assert set(combinations) <= {("",) * len(COLUMNS)}
    for raw_row, cells in zip(raws, done.cells, strict=True):
        assert all(truthful(c, raw, cell) for c, raw, cell in zip(COLUMNS, raw_row, cells, strict=True))
    # What the notes say matches what was done.
    for column in COLUMNS:
        if done.levels[column.key] == len(column.steps) - 1:
            assert all(row[COLUMNS.index(column)] == "" for row in done.cells)
            assert done.changes(COLUMNS)[column.key] == LEFT_OUT


@settings(max_examples=30, deadline=None)
@given(raws=st.lists(ROW, min_size=10, max_size=40), k=st.integers(min_value=5, max_value=10))
def test_the_same_answers_in_the_same_order_give_the_same_file(raws, k):
    assert coarsen(columns=COLUMNS, raws=raws, k=k) == coarsen(columns=COLUMNS, raws=raws, k=k)


def test_common_combinations_go_out_as_given():
    raws = [("25_34", "female", "full_time", "council", 3)] * 10 + [("55_64", "male", "retired", "own", 30)] * 10
    done = coarsen(columns=COLUMNS, raws=raws, k=10)
    assert done.changes(COLUMNS) == {}
    assert done.cells[0] == ["25 to 34", "Female", "Full time", "Council", 3]


def test_the_column_with_the_rarest_answer_is_coarsened_first_and_ages_widen_before_they_go():
    # Ten people alike but for age and years at the address; two age bands that widen into one.
    raws = [("16_24", "female", "full_time", "council", year) for year in range(5)]
    raws += [("25_34", "female", "full_time", "council", year) for year in range(5)]
    done = coarsen(columns=COLUMNS, raws=raws, k=10)
    # Years (each value twice) first, into bands: all "under 5"; then age (each band five times): "16 to 34".
    assert done.changes(COLUMNS) == {
        "age_band": "in wider bands (16 to 34, 35 to 54, 55 or over)",
        "years_at_address": "in bands (under 5, 5 to 9, 10 to 19, 20 or more)",
    }
    assert {tuple(row) for row in done.cells} == {("16 to 34", "Female", "Full time", "Council", "under 5")}


def test_a_rare_answer_takes_its_column_out_and_prefer_not_to_say_stays_as_it_is():
    raws = [("prefer_not", "female", "full_time", "council", None)] * 10
    raws.append(("prefer_not", "male", "full_time", "council", None))
    done = coarsen(columns=COLUMNS, raws=raws, k=10)
    assert done.changes(COLUMNS) == {"sex": LEFT_OUT}
    assert {tuple(row) for row in done.cells} == {("Prefer not to say", "", "Full time", "Council", "")}


def test_a_neighbourhood_with_fewer_than_k_respondents_shows_none_of_these_columns():
    done = coarsen(columns=COLUMNS, raws=[("25_34", "female", "full_time", "council", 3)] * 9, k=10)
    assert {tuple(row) for row in done.cells} == {("", "", "", "", "")}
    assert set(done.changes(COLUMNS).values()) == {LEFT_OUT}
