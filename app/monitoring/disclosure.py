"""Disclosure control for published tables: the rules, in one module (privacy.md 18-23).

A release is a set of linked tables whose cells are identified by hashable keys. Tables are
described by their relations: an additive `Line` (a total equals the sum of its parts) or
an `Inequality` (a category count never exceeds the count of all concerns; distinct persons
never exceed concerns). Protection runs in three steps:

1. primary suppression: 0 < n < k is not shown (shown as "<k");
2. complementary suppression: no additive line may hold exactly one hidden cell, else
   the total minus the shown parts gives it back; repeated until nothing changes;
3. the audit: every hidden cell becomes an LP variable (x >= 0), every shown cell a
   constant, every relation a constraint; `scipy.optimize.linprog` finds the least and
   the greatest value each hidden cell can take. A cell passes when 0 is feasible or the
   interval is at least k wide. Failing cells make their smallest shown neighbour hidden,
   and the audit runs again.

Zeros are shown: knowing that nobody is counted points at no one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

Key = Hashable

SHOWN = "shown"
PRIMARY = "primary"  # 0 < n < k
SECONDARY = "secondary"  # hidden so that a primary cell cannot be worked out

DEFAULT_K = 5
MIN_K = 3
_EPSILON = 1e-6


class DisclosureError(ValueError):
    """A release cannot be published without revealing a small number."""


def checked_k(k: int) -> int:
    if int(k) < MIN_K:
        raise DisclosureError(f"k must be at least {MIN_K}")
    return int(k)


@dataclass(frozen=True)
class Line:
    """total == sum(parts)"""

    total: Key
    parts: tuple[Key, ...]

    def keys(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)

    def coefficients(self) -> list[tuple[Key, float]]:
        return [(self.total, 1.0)] + [(part, -1.0) for part in self.parts]


@dataclass(frozen=True)
class Inequality:
    """sum(small) <= sum(large): e.g. one category's count <= the count of all concerns."""

    small: tuple[Key, ...]
    large: tuple[Key, ...]

    def keys(self) -> tuple[Key, ...]:
        return (*self.small, *self.large)

    def coefficients(self) -> list[tuple[Key, float]]:
        return [(key, 1.0) for key in self.small] + [(key, -1.0) for key in self.large]


@dataclass
class AuditFailure:
    key: Key
    low: float
    high: float


@dataclass
class Protection:
    status: dict[Key, str]
    rounds: int = 0
    audited_cells: int = 0
    failures: list[AuditFailure] = field(default_factory=list)

    def hidden(self) -> set[Key]:
        return {key for key, status in self.status.items() if status != SHOWN}

    def counts(self) -> dict[str, int]:
        result = {SHOWN: 0, PRIMARY: 0, SECONDARY: 0}
        for status in self.status.values():
            result[status] += 1
        return result


def is_sensitive(value: int, k: int) -> bool:
    return 0 < value < k


def primary_suppression(values: Mapping[Key, int], k: int) -> set[Key]:
    return {key for key, value in values.items() if is_sensitive(value, k)}


def _choose_partner(
    line: Line, values: Mapping[Key, int], hidden: set[Key], known: set[Key]
) -> Key | None:
    """The cell that costs least to hide: the smallest non-zero part, else the total."""
    candidates = [key for key in line.keys() if key not in hidden and key not in known]
    if not candidates:
        return None
    nonzero = [key for key in candidates if values[key] > 0]
    pool = nonzero or candidates
    # Parts before the total at equal value: hiding a total hides more for the reader.
    return min(pool, key=lambda key: (values[key], key == line.total, str(key)))


def complementary_suppression(
    values: Mapping[Key, int],
    lines: Iterable[Line],
    hidden: set[Key],
    known: set[Key] = frozenset(),
) -> set[Key]:
    """Hide more cells until no line has exactly one hidden cell. Returns the new set.

    `known` cells a reader can work out elsewhere: hiding them protects nothing.
    """
    hidden = set(hidden)
    lines = list(lines)
    by_key: dict[Key, list[Line]] = defaultdict(list)
    for line in lines:
        for key in line.keys():
            by_key[key].append(line)
    queue = list(lines)
    while queue:
        line = queue.pop()
        inside = [key for key in line.keys() if key in hidden]
        if len(inside) != 1:
            continue
        partner = _choose_partner(line, values, hidden, known)
        if partner is None:
            continue
        hidden.add(partner)
        queue.extend(by_key[partner])
    return hidden


def difference_violations(
    values: Mapping[Key, int],
    lines: Iterable[Line],
    nested: Iterable[tuple[Key, Key]],
    hidden: set[Key],
    known: set[Key],
    k: int,
) -> set[Key]:
    """Cells to hide because two shown figures would differ by 0 < d < k (SB-D1.1).

    In a line with a shown total, the hidden parts together are the total minus the shown
    parts: their sum must not be small. Of two shown cells counting nested sets of
    records (one category within all concerns), the difference must not be small.
    """
    more: set[Key] = set()
    for line in lines:
        if line.total in hidden:
            continue
        inside = [part for part in line.parts if part in hidden]
        if inside and is_sensitive(sum(values[part] for part in inside), k):
            partner = _choose_partner(line, values, hidden | more, known)
            if partner is not None:
                more.add(partner)
    for small, large in nested:
        if small in hidden or large in hidden or small in more or large in more:
            continue
        if is_sensitive(values[large] - values[small], k):
            more.add(large if small in known else small)
    return more - known


def _settle(values, lines, nested, hidden: set[Key], known: set[Key], k: int) -> set[Key]:
    """Complementary suppression and the difference rules, until neither hides more."""
    while True:
        hidden = complementary_suppression(values, lines, hidden, known)
        more = difference_violations(values, lines, nested, hidden, known, k) - hidden
        if not more:
            return hidden
        hidden |= more


def _components(
    relations: list[Line | Inequality], hidden: set[Key]
) -> list[tuple[list[Key], list[Line | Inequality]]]:
    """Hidden cells linked through relations, each with the relations that touch it."""
    parent: dict[Key, Key] = {key: key for key in hidden}

    def find(key: Key) -> Key:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    touching: list[tuple[Line | Inequality, list[Key]]] = []
    for relation in relations:
        inside = [key for key in relation.keys() if key in hidden]
        if not inside:
            continue
        touching.append((relation, inside))
        for key in inside[1:]:
            parent[find(key)] = find(inside[0])
    groups: dict[Key, list[Key]] = defaultdict(list)
    for key in hidden:
        groups[find(key)].append(key)
    group_relations: dict[Key, list[Line | Inequality]] = defaultdict(list)
    for relation, inside in touching:
        group_relations[find(inside[0])].append(relation)
    return [(keys, group_relations[root]) for root, keys in groups.items()]


@dataclass
class _System:
    """The LP of one group of linked hidden cells: shown cells are constants."""

    keys: list[Key]
    a_eq: object  # scipy.sparse.csr_matrix | None
    b_eq: list[float]
    a_ub: object
    b_ub: list[float]

    def optimum(self, weights: Mapping[Key, float]):
        import numpy as np

        objective = np.zeros(len(self.keys))
        index = {key: position for position, key in enumerate(self.keys)}
        for key, weight in weights.items():
            objective[index[key]] = weight
        return _optimum(objective, self.a_ub, self.b_ub, self.a_eq, self.b_eq)


def _systems(
    values: Mapping[Key, int],
    relations: list[Line | Inequality],
    hidden: set[Key],
    targets: set[Key] | None = None,
) -> list[_System]:
    """One LP per group of linked hidden cells that holds a target (default: every group)."""
    systems = []
    for keys, group in _components(relations, hidden):
        if targets is not None and not any(key in targets for key in keys):
            continue
        index = {key: position for position, key in enumerate(keys)}
        eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
        for relation in group:
            row: dict[int, float] = defaultdict(float)
            constant = 0.0
            for key, coefficient in relation.coefficients():
                if key in index:
                    row[index[key]] += coefficient
                else:
                    constant += coefficient * values[key]
            if isinstance(relation, Line):
                eq_rows.append(row)
                eq_rhs.append(-constant)
            else:
                ub_rows.append(row)
                ub_rhs.append(-constant)
        systems.append(
            _System(keys, _sparse(eq_rows, len(keys)), eq_rhs, _sparse(ub_rows, len(keys)), ub_rhs)
        )
    return systems


def feasible_intervals(
    values: Mapping[Key, int],
    relations: list[Line | Inequality],
    hidden: set[Key],
    targets: set[Key] | None = None,
) -> dict[Key, tuple[float, float]]:
    """The least and greatest value hidden cells (`targets`, default all) can take."""
    intervals: dict[Key, tuple[float, float]] = {}
    for system in _systems(values, relations, hidden, targets):
        for key in system.keys:
            if targets is not None and key not in targets:
                continue
            low, _ = system.optimum({key: 1.0})
            high, _ = system.optimum({key: -1.0})
            intervals[key] = (low, -high if high is not None else float("inf"))
    return intervals


def _sparse(rows: list[dict[int, float]], width: int):
    from scipy.sparse import csr_matrix  # imported when auditing, not when reading releases

    if not rows:
        return None
    data, row_index, column_index = [], [], []
    for number, row in enumerate(rows):
        for column, coefficient in row.items():
            if coefficient:
                data.append(coefficient)
                row_index.append(number)
                column_index.append(column)
    return csr_matrix((data, (row_index, column_index)), shape=(len(rows), width))


def _optimum(objective, a_ub, b_ub, a_eq, b_eq):
    from scipy.optimize import linprog

    result = linprog(
        objective,
        A_ub=a_ub,
        b_ub=b_ub if a_ub is not None else None,
        A_eq=a_eq,
        b_eq=b_eq if a_eq is not None else None,
        bounds=(0, None),
        method="highs-ds",
    )
    if result.status == 3:  # unbounded: no finite extreme
        return None, None
    if result.status != 0:
        raise DisclosureError(f"the audit could not solve its LP: {result.message}")
    return float(result.fun), result.x


def audit(
    values: Mapping[Key, int],
    relations: list[Line | Inequality],
    hidden: set[Key],
    k: int,
    sensitive: set[Key] | None = None,
) -> list[AuditFailure]:
    """Sensitive hidden cells an attacker could pin down to fewer than k values, none 0.

    `sensitive` defaults to every hidden cell with 0 < n < k; a large cell hidden only to
    protect another may be narrowed, since its value points at no one. Instead of two LPs
    per cell, one LP minimises the sum of the cells still in doubt: every cell that is 0 in
    its solution can be 0, and passes. Only the rest get LPs of their own.
    """
    if sensitive is None:
        sensitive = {key for key in hidden if is_sensitive(values[key], k)}
    failures = []
    for system in _systems(values, relations, hidden, sensitive):
        doubtful = [key for key in system.keys if key in sensitive]
        while doubtful:
            _, solution = system.optimum({key: 1.0 for key in doubtful})
            position = {key: i for i, key in enumerate(system.keys)}
            can_be_zero = {key for key in doubtful if solution[position[key]] <= _EPSILON}
            if not can_be_zero:
                break
            doubtful = [key for key in doubtful if key not in can_be_zero]
        for key in doubtful:
            low, _ = system.optimum({key: 1.0})
            if low <= _EPSILON:
                continue
            high, _ = system.optimum({key: -1.0})
            upper = -high if high is not None else float("inf")
            if upper - low < k - _EPSILON:
                failures.append(AuditFailure(key, low, upper))
    return failures


def protect(
    values: Mapping[Key, int],
    lines: Iterable[Line],
    k: int = DEFAULT_K,
    *,
    inequalities: Iterable[Inequality] = (),
    also_hide: Iterable[Key] = (),
    hide_unaudited: Iterable[Key] = (),
    known: Iterable[Key] = (),
    nested: Iterable[tuple[Key, Key]] = (),
    max_rounds: int = 100,
) -> Protection:
    """Decide which cells are shown; raise DisclosureError if no safe pattern is found.

    `also_hide` are cells the caller must hide for reasons outside this release (a
    difference against an earlier release); they are protected like primary cells.
    `hide_unaudited` are hidden with their complements, but not audited: a breakdown
    where nearly everyone has one value (SB-D1.5) is no small number to bound.
    `known` are cells a reader can already work out from earlier releases: the audit
    treats them as published. `nested` are (smaller, larger) pairs of cells whose records
    are a subset of one another's (see `difference_violations`).
    """
    k = checked_k(k)
    known = set(known)
    lines = [line for line in lines if len(line.parts) > 0]
    relations: list[Line | Inequality] = [*lines, *inequalities]
    primary = primary_suppression(values, k) - known
    sensitive = primary | (set(also_hide) - known)
    nested = list(nested)
    hidden = _settle(values, lines, nested, sensitive | (set(hide_unaudited) - known), known, k)
    # Hiding more only widens what a reader can not pin down: a cell that passed once
    # passes for good, so later rounds audit only the cells that failed.
    doubtful = sensitive
    for round_number in range(1, max_rounds + 1):
        failures = audit(values, relations, hidden - known, k, doubtful)
        if not failures:
            status = {
                key: PRIMARY if key in primary else SECONDARY if key in hidden else SHOWN
                for key in values
            }
            return Protection(status, rounds=round_number, audited_cells=len(hidden))
        doubtful = {failure.key for failure in failures}
        for failure in failures:
            hidden |= _widen(failure.key, values, relations, hidden | known)
        hidden = _settle(values, lines, nested, hidden, known, k)
    raise DisclosureError("no safe suppression pattern was found")


def _widen(
    key: Key, values: Mapping[Key, int], relations: list[Line | Inequality], hidden: set[Key]
) -> set[Key]:
    """Hide the smallest shown cell nearest to a failing cell, through hidden cells.

    First the relations of the cell itself; when all their cells are hidden already, the
    relations of those hidden cells, and so on: every round hides at least one more cell
    until the failing cell is ambiguous (with everything hidden, every cell can be 0).
    """
    by_key: dict[Key, list[Line | Inequality]] = defaultdict(list)
    for relation in relations:
        for member in relation.keys():
            by_key[member].append(relation)
    frontier, visited = {key}, {key}
    while frontier:
        shown = {
            other
            for cell in frontier
            for relation in by_key[cell]
            for other in relation.keys()
            if other not in hidden
        }
        if shown:
            nonzero = [other for other in shown if values[other] > 0] or list(shown)
            return {min(nonzero, key=lambda other: (values[other], str(other)))}
        frontier = {
            other
            for cell in frontier
            for relation in by_key[cell]
            for other in relation.keys()
            if other not in visited
        }
        visited |= frontier
    return set()


def share_allowed(denominator: int | None, k: int) -> bool:
    """Rates and shares only where the denominator is at least k (privacy.md 23)."""
    return denominator is not None and denominator >= k


def revealing_differences(
    earlier: Mapping[Key, int | None], later: Mapping[Key, int | None], k: int
) -> list[Key]:
    """Cells shown in both whose difference is 0 < d < k: together they point at someone."""
    return [
        key
        for key, value in later.items()
        if value is not None
        and earlier.get(key) is not None
        and is_sensitive(abs(value - earlier[key]), k)
    ]
