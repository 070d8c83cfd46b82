"""The suppression rules: which figures may be shown without letting anyone work out one member's answers.

Pure functions over counts, so that every rule is tested on its own and the same rules serve the results
pages, the exports and the members' summary. K is the round's anonymity threshold.

A breakdown splits respondents by the options of a self-reported attribute. "Prefer not to say" and "not
answered" are never shown as a group: together they are the left-out group, which anyone could work out as
the total minus the groups shown. So the left-out group always counts as hidden, and the rule that matters is
on the hidden groups taken together: those with at least one member must number 0 or at least K, or
subtracting the shown groups from the total would reveal a group smaller than K.
"""

from collections.abc import Hashable, Mapping

LEFT_OUT = "left out"  # the key of the left-out group (prefer not to say + not answered)


def meets_threshold(count: int, k: int) -> bool:
    """Whether a figure resting on `count` responses (or answers) may be shown."""
    return count >= k


def primary_suppressed(sizes: Mapping[Hashable, int], k: int) -> set[Hashable]:
    """Groups too small to show on their own (a group of nobody has nothing to show either)."""
    return {group for group, size in sizes.items() if size < k}


def refused_by_comparison(sizes: Mapping[Hashable, int], other_sizes: Mapping[Hashable, int], k: int) -> set[Hashable]:
    """Groups whose size differs from the same group's in another round by 1 to K-1.

    Two rounds side by side would otherwise show what a joiner or leaver of that group answered: the
    difference between the two groups' figures rests on fewer than K people. A group absent from the other
    round counts as size 0 there.
    """
    return {group for group, size in sizes.items() if 0 < abs(size - other_sizes.get(group, 0)) < k}


def hidden_groups(
    sizes: Mapping[Hashable, int], total: int, k: int, already_hidden: set[Hashable] = frozenset()
) -> set[Hashable]:
    """Every group of a breakdown that must not be shown; the result includes LEFT_OUT.

    `sizes` are the shown-able groups (not the left-out one); `total` counts everyone the figures rest on, so
    the left-out group numbers `total - sum(sizes)`. Groups under K are hidden, then the smallest visible
    groups until the hidden groups with members together number 0 or at least K.
    """
    left_out = total - sum(sizes.values())
    all_sizes = {**sizes, LEFT_OUT: left_out}
    hidden = {LEFT_OUT} | set(already_hidden) | primary_suppressed(sizes, k)
    while 0 < _members(all_sizes, hidden) < k:
        visible = sorted((size, str(group), group) for group, size in sizes.items() if group not in hidden)
        if not visible:
            break  # everything is hidden already
        hidden.add(visible[0][2])
    return hidden


def _members(sizes: Mapping[Hashable, int], hidden: set[Hashable]) -> int:
    return sum(sizes[group] for group in hidden if sizes.get(group, 0) > 0)


def shown_trend_rounds(response_counts: list[int], k: int) -> list[bool]:
    """For an overall trend: which rounds may be shown (each must meet K on its own)."""
    return [meets_threshold(count, k) for count in response_counts]


def refused_side_by_side(group_sizes_by_round: list[Mapping[Hashable, int]], k: int) -> list[set[Hashable]]:
    """For a trend broken down by an attribute: per round, the groups refused because the same group in a
    round shown next to it differs by 1 to K-1."""
    refused: list[set[Hashable]] = [set() for _ in group_sizes_by_round]
    for index in range(1, len(group_sizes_by_round)):
        before, after = group_sizes_by_round[index - 1], group_sizes_by_round[index]
        differing = refused_by_comparison(after, before, k) | refused_by_comparison(before, after, k)
        refused[index - 1] |= differing
        refused[index] |= differing
    return refused
