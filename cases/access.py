"""Which pupils a user may see: a list of rules, OR-ed into one queryset filter.

Each rule takes the user's Scope and returns a Q over Student, or None when the
rule gives that user nothing. Other apps add rules in their AppConfig.ready()
(a social worker sees the pupils of concerns routed to their unit, a SIP
coordinator the pupils of their SIPs), so the kernel never imports them.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce

from django.db.models import Q, QuerySet

from portal.access import Scope

StudentRule = Callable[[Scope], Q | None]

_rules: list[StudentRule] = []


def register_student_rule(rule: StudentRule) -> StudentRule:
    if rule not in _rules:
        _rules.append(rule)
    return rule


def student_filter(scope: Scope, *, pk: int | None = None) -> Q | None:
    """One Q that matches every pupil the scope may see, or None for nobody.

    The rules' ``id__in=<subquery>`` terms are asked as one ``id IN (… UNION …)``:
    the database reads each rule's (indexed) pupils once and joins them to the
    pupils, instead of testing every pupil of the city against each rule.

    With ``pk``, the Q asks about that one pupil only: every rule's subquery is
    narrowed to the pupil, so each is an index probe instead of the whole set of
    pupils the rule reaches (tens of thousands for a district's social services).
    """
    terms: list[Q] = []
    subqueries: list[QuerySet] = []
    for rule in _rules:
        q = rule(scope)
        if q is None:
            continue
        if pk is not None:
            terms.append(Q(_narrowed(q, pk), pk=pk))
            continue
        found = _subqueries(q)
        if found is None:
            terms.append(q)
        else:
            subqueries += found
    if subqueries:
        if terms:
            # A rule over the pupils' own columns (their school) joins the union as
            # the ids it matches: "school = … OR id IN (…)" cannot use an index and
            # reads every pupil of the city.
            from cases.models import Student

            subqueries += [Student.objects.filter(term).values("id").order_by() for term in terms]
            terms = []
        first, *rest = subqueries
        terms.append(Q(id__in=first.union(*rest) if rest else first))
    return reduce(operator.or_, terms) if terms else None


def _subqueries(q: Q) -> list[QuerySet] | None:
    """The subqueries of a Q made only of ``id__in=<subquery>`` terms joined by OR,
    or None for any other Q."""
    if q.negated or (len(q.children) > 1 and q.connector != Q.OR):
        return None
    found: list[QuerySet] = []
    for child in q.children:
        if isinstance(child, Q):
            inner = _subqueries(child)
            if inner is None:
                return None
            found += inner
            continue
        lookup, value = child
        if lookup not in ("id__in", "pk__in") or not isinstance(value, QuerySet):
            return None
        if len(value.query.values_select) != 1:
            return None
        found.append(value.order_by())  # a model's default ordering means nothing here
    return found


def _narrowed(q: Q, pk: int) -> Q:
    """``q`` with each ``id__in=<subquery>`` limited to the pupil ``pk``."""
    narrowed = Q()
    narrowed.connector, narrowed.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            child = _narrowed(child, pk)
        else:
            lookup, value = child
            if lookup in ("id__in", "pk__in") and isinstance(value, QuerySet):
                fields = value.query.values_select
                if len(fields) == 1:
                    child = (lookup, value.filter(**{fields[0]: pk}))
        narrowed.children.append(child)
    return narrowed


@register_student_rule
def _own_school(scope: Scope) -> Q | None:
    """School staff, principals and student health see the pupils of their school."""
    if not scope.school_unit_ids:
        return None
    return Q(school_unit_id__in=scope.school_unit_ids)


@register_student_rule
def _explicit_grant(scope: Scope) -> Q | None:
    """A named person granted one pupil (e.g. a colleague added to a case)."""
    if not scope.may_see_cases:
        return None
    from cases.models import StudentUserObjectPermission

    granted = StudentUserObjectPermission.objects.filter(
        user_id=scope.user_id, permission__codename="view_student"
    ).values("content_object_id")
    return Q(id__in=granted)


@register_student_rule
def _placed_in_own_group(scope: Scope) -> Q | None:
    """Staff of a special teaching group see the pupils admitted to or placed in it."""
    if not scope.school_unit_ids:
        return None
    from cases.models import Placement

    placed = Placement.objects.filter(
        group_id__in=scope.school_unit_ids,
        status__in=[Placement.Status.ADMITTED, Placement.Status.ACTIVE],
    ).values("student_id")
    return Q(id__in=placed)
