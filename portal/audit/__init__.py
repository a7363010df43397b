"""Loggkontroll: the audit kernel's registries.

The kernel imports no domain app (ARCHITECTURE.md). Each app tells it, from its own
``audit.py`` loaded in ``AppConfig.ready()``:

- how to look pupils up (``register_pupil_directory``: facts for ids, an id for a
  personnummer), for the access log and the reviewer's search;
- how a reader may have reached a pupil outside their own school or district
  (``register_access_basis``: a consent, a named grant, an override, a placement);
- what it holds about a pupil (``register_report_section``), for the personal data
  report;
- what it destroys and when (``register_retention_rule``), for ``manage.py gallring``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# --- pupils ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilFacts:
    school_unit_id: int | None
    home_district_id: int | None
    #: "First Last (YYYYMMDD-XXXX)": what the reviewer sees of a pupil in the log.
    label: str
    #: The birth date in the personnummer (the research-sample rule reads its day).
    birth_day: int | None = None


@dataclass(frozen=True)
class PupilDirectory:
    #: ids -> facts, in one query
    facts: Callable[[Collection[int]], dict[int, PupilFacts]]
    #: a personnummer as typed -> the pupil's id, or None
    find: Callable[[str], int | None]


_directory: PupilDirectory | None = None


def register_pupil_directory(directory: PupilDirectory) -> PupilDirectory:
    global _directory
    _directory = directory
    return directory


def pupil_directory() -> PupilDirectory:
    if _directory is None:
        raise ImproperlyConfigured("No app registered a pupil directory for the access log.")
    return _directory


# --- how a reader reached a pupil ---------------------------------------------------------

#: (basis, hook): ``hook(user, pupil ids)`` returns the ids the user reaches that way.
BasisHook = Callable[[Any, set[int]], set[int]]
_basis_hooks: dict[str, tuple[int, BasisHook]] = {}


def register_access_basis(basis: str, hook: BasisHook, *, order: int) -> BasisHook:
    """Asked, lowest ``order`` first, only about pupils outside the reader's own
    school and district; the first hook that claims a pupil names the basis."""
    _basis_hooks[basis] = (order, hook)
    return hook


def access_basis_hooks() -> list[tuple[str, BasisHook]]:
    return [
        (basis, hook) for basis, (_o, hook) in sorted(_basis_hooks.items(), key=lambda i: i[1][0])
    ]


# --- the personal data report ----------------------------------------------------------------


@dataclass
class ReportEntry:
    """One record in the report: a heading and its fields, as (label, value)."""

    heading: str
    fields: list[tuple[Any, Any]] = field(default_factory=list)


@dataclass
class ReportPart:
    entries: list[ReportEntry] = field(default_factory=list)
    #: How many records were left out as secret toward the requester (shown to the
    #: data-protection officer, never printed).
    withheld: int = 0


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: Any
    order: int
    #: (pupil id, requester: "pupil" or "guardian") -> the records
    build: Callable[[int, str], ReportPart]


_report_sections: dict[str, ReportSection] = {}


def register_report_section(section: ReportSection) -> ReportSection:
    _report_sections[section.key] = section
    return section


def report_sections() -> list[ReportSection]:
    return sorted(_report_sections.values(), key=lambda s: s.order)


# --- retention (gallring) ------------------------------------------------------------------------


@dataclass
class RetentionPlan:
    """What a rule finds due on a day, in the rule's own unit (reports, pupils'
    files, log rows), and what it keeps although the period has passed."""

    unit: Any
    due: int = 0
    #: reason -> how many units are kept although their period has passed
    kept: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RetentionRule:
    key: str
    title: Any
    #: The legal or local source, printed with the summary.
    source: str
    order: int
    #: today -> the plan (counts only; nothing is changed)
    due: Callable[[Any], RetentionPlan]
    #: (today, at most n units) -> (units removed, rows removed per model label).
    #: Called again until it removes nothing; each call runs in its own transaction.
    remove_batch: Callable[[Any, int], tuple[int, dict[str, int]]]


_retention_rules: dict[str, RetentionRule] = {}


def register_retention_rule(rule: RetentionRule) -> RetentionRule:
    _retention_rules[rule.key] = rule
    return rule


def retention_rules() -> list[RetentionRule]:
    return sorted(_retention_rules.values(), key=lambda r: r.order)
