"""The suppression rules on their own: each one would let a small group be worked out if it were broken."""

from portal.surveys import disclosure
from portal.surveys.disclosure import LEFT_OUT

K = 5


def test_a_figure_needs_at_least_k():
    assert disclosure.meets_threshold(5, K)
    assert not disclosure.meets_threshold(4, K)


def test_groups_under_k_are_hidden_and_groups_of_k_shown():
    hidden = disclosure.hidden_groups({"a": 10, "b": 5, "c": 2, "d": 9}, total=26, k=K)
    # c is under K; the left-out group is empty, so c alone is hidden with 2 members: the next smallest (b) too.
    assert hidden == {"c", "b", LEFT_OUT}


def test_a_single_small_group_cannot_be_worked_out_by_subtraction():
    # 12 + 11 + 1 = 24 of 24: hiding only the group of 1 would leave it as total - shown.
    hidden = disclosure.hidden_groups({"a": 12, "b": 11, "c": 1}, total=24, k=K)
    assert "c" in hidden and "b" in hidden and "a" not in hidden


def test_the_left_out_group_under_k_hides_the_next_smallest_group():
    # Two left out (prefer not to say or no answer): total - shown would reveal those two.
    hidden = disclosure.hidden_groups({"a": 20, "b": 8}, total=30, k=K)
    assert hidden == {LEFT_OUT, "b"}


def test_a_left_out_group_of_k_or_more_needs_nothing_else_hidden():
    assert disclosure.hidden_groups({"a": 20, "b": 8}, total=33, k=K) == {LEFT_OUT}


def test_no_left_out_and_no_small_groups_hides_nothing():
    assert disclosure.hidden_groups({"a": 20, "b": 8}, total=28, k=K) == {LEFT_OUT}


def test_hidden_groups_together_number_zero_or_at_least_k():
    sizes = {"a": 1, "b": 1, "c": 2, "d": 6, "e": 30}
    hidden = disclosure.hidden_groups(sizes, total=41, k=K)
    members = sum(sizes.get(group, 41 - sum(sizes.values())) for group in hidden)
    assert members == 0 or members >= K
    assert "e" not in hidden


def test_empty_groups_count_as_nobody():
    # A group nobody chose is not shown, yet hides nobody: no second group has to go.
    assert disclosure.hidden_groups({"a": 20, "b": 0}, total=20, k=K) == {LEFT_OUT, "b"}


def test_groups_refused_by_another_hiding_rule_join_the_hidden_set():
    hidden = disclosure.hidden_groups({"a": 20, "b": 8, "c": 9}, total=37, k=K, already_hidden={"b"})
    assert hidden == {LEFT_OUT, "b"}


def test_a_group_that_changed_by_fewer_than_k_between_rounds_is_refused():
    now, before = {"a": 10, "b": 20, "c": 7}, {"a": 11, "b": 20, "c": 2}
    assert disclosure.refused_by_comparison(now, before, K) == {"a"}  # c changed by exactly K: allowed


def test_a_group_new_in_this_round_counts_as_zero_before():
    assert disclosure.refused_by_comparison({"new": 3}, {}, K) == {"new"}
    assert disclosure.refused_by_comparison({"new": 6}, {}, K) == set()


def test_side_by_side_rounds_refuse_the_group_in_both():
    refused = disclosure.refused_side_by_side([{"a": 10}, {"a": 11}, {"a": 30}], K)
    assert refused == [{"a"}, {"a"}, set()]


def test_the_overall_trend_shows_only_rounds_that_meet_k():
    assert disclosure.shown_trend_rounds([10, 4, 5], K) == [True, False, True]
