"""The access log: who read, listed, exported, changed or opened what, and when.

One mechanism writes it:

- ``@audited("pupil.view", kinds=["student"])`` on a view. Every request to the view
  writes one ``AccessLog`` row when the view returns or raises, with the answer's
  status, the person, their address, the request id and the pupils concerned. There is
  no setting that turns it off, and a row that cannot be written fails the request.
- ``note(students=..., kinds=..., query=..., rows=...)`` adds to the row of the current
  request: single-object selectors call it with the pupil they return, list views with
  the search text and the number of rows. Outside an audited request it does nothing.
- ``log_access(user, action, **details)`` records an event (an export, a break-glass
  override). Inside an audited request it joins that request's row; elsewhere (a
  command, a task) it writes a row of its own.

``CorrelationIdMiddleware`` gives each request an id (``X-Request-ID`` when the
client sent a well-formed one, else a new uuid4). The id is on every access-log row
and, through ``AUDITLOG_CID_GETTER``, on every change-log entry of the request, so a
reviewer can go from "who opened this" to "what did they change".
"""

from __future__ import annotations

import ipaddress
import json
import re
import uuid
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.utils import timezone

#: The kinds of row (``AccessLog.Kind``), for views and services that name one.
VIEW, LIST, EXPORT, CHANGE, OVERRIDE, REVIEW = (
    "view",
    "list",
    "export",
    "change",
    "override",
    "review",
)

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{7,63}$")

_correlation_id: ContextVar[str | None] = ContextVar("samverkan_correlation_id", default=None)
_request: ContextVar[object | None] = ContextVar("samverkan_request", default=None)


def current_correlation_id() -> str | None:
    """The id of the request being served (``AUDITLOG_CID_GETTER`` points here)."""
    return _correlation_id.get()


def current_request():
    """The request being served, or None (a command, a task)."""
    return _request.get()


def remote_addr(request) -> str | None:
    """The address the request came from, as the change log records it
    (X-Forwarded-For behind the proxy); None when it is not an IP address."""
    if request is None:
        return None
    from auditlog.middleware import AuditlogMiddleware

    value = AuditlogMiddleware._get_remote_addr(request)
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


class CorrelationIdMiddleware:
    """Give every request an id, on ``request.correlation_id`` and the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        cid = given if _WELL_FORMED_ID.match(given) else uuid.uuid4().hex
        request.correlation_id = cid
        token = _correlation_id.set(cid)
        request_token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(request_token)
            _correlation_id.reset(token)
        response.headers.setdefault(REQUEST_ID_HEADER, cid)
        return response


# --- the row of the current request -----------------------------------------------------


@dataclass
class AccessRecord:
    """What one request touched, filled in while the view runs."""

    action: str
    kind: str
    record_kinds: set[str] = field(default_factory=set)
    #: pupil id -> the pupil object when the caller had one (its school and home
    #: district then need no query), else None
    students: dict[int, object | None] = field(default_factory=dict)
    query: str = ""
    rows: int | None = None
    details: dict = field(default_factory=dict)

    def add(self, *, students=(), kinds=(), query=None, rows=None, kind=None, details=None):
        for item in students or ():
            if item is None:
                continue
            if isinstance(item, int):
                self.students.setdefault(item, None)
            else:
                self.students[item.pk] = item
        self.record_kinds.update(k for k in kinds if k)
        if query is not None:
            self.query = str(query)
        if rows is not None:
            self.rows = (self.rows or 0) + int(rows)
        if kind is not None:
            self.kind = kind
        if details:
            self.details.update(details)


_current: ContextVar[AccessRecord | None] = ContextVar("samverkan_access_record", default=None)


def current_record() -> AccessRecord | None:
    return _current.get()


def note(
    *,
    students: Iterable = (),
    kinds: Iterable[str] = (),
    query=None,
    rows=None,
    kind=None,
    **details,
):
    """Add pupils, record kinds, a search text, a row count or a kind (a GET that is a
    search is ``AccessLog.Kind.LIST``) to the current request's row. ``students`` are
    pupil objects or ids. Does nothing outside an audited view."""
    record = _current.get()
    if record is None:
        return False
    record.add(students=students, kinds=kinds, query=query, rows=rows, kind=kind, details=details)
    return True


def log_access(user, action: str, **details) -> None:
    """Record that ``user`` did ``action`` (e.g. "dashboard.export") with ``details``.

    Details name what was taken out (a panel, a period, filters, a legal ground),
    never case contents. These keys have a meaning of their own: ``students`` (pupil
    objects or ids), ``record_kinds``, ``kind`` (an ``AccessLog.Kind``), ``query`` and
    ``rows``. Inside an audited request by the same user the event joins that
    request's row; otherwise it is a row of its own.
    """
    students = details.pop("students", ())
    kinds = details.pop("record_kinds", ())
    kind = details.pop("kind", None)
    query = details.pop("query", None)
    rows = details.pop("rows", None)
    record = _current.get()
    if record is not None and getattr(user, "pk", None) == record.details.get("_user_id"):
        events = record.details.setdefault("events", [])
        if action != record.action and action not in events:
            events.append(action)
        record.add(
            students=students, kinds=kinds, query=query, rows=rows, kind=kind, details=details
        )
        return
    from portal.audit_models import AccessLog

    own = AccessRecord(action=action, kind=kind or AccessLog.Kind.VIEW)
    own.add(students=students, kinds=kinds, query=query, rows=rows, details=details)
    write(user=user, record=own)


# --- the decorator ------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditSpec:
    action: str
    kinds: tuple[str, ...]
    kind: str | None


def _status_of(exc: BaseException) -> int:
    if isinstance(exc, Http404):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, SuspiciousOperation):
        return 400
    return 500


def audited(action: str, *, kinds: Iterable[str] = (), kind: str | None = None):
    """View decorator: every request to the view writes an access-log row.

    ``kind`` defaults to a read for GET and HEAD and a change otherwise; give it for
    lists, exports and reviews. Put it outermost, so that a refused request (403, 404,
    405) is logged as well.
    """
    spec = AuditSpec(action=action, kinds=tuple(kinds), kind=kind)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            from portal.audit_models import AccessLog

            default_kind = (
                AccessLog.Kind.VIEW if request.method in ("GET", "HEAD") else AccessLog.Kind.CHANGE
            )
            record = AccessRecord(
                action=spec.action, kind=spec.kind or default_kind, record_kinds=set(spec.kinds)
            )
            user = getattr(request, "user", None)
            record.details["_user_id"] = getattr(user, "pk", None)
            if kwargs:
                record.details["target"] = {k: str(v) for k, v in kwargs.items()}
            request.audit = record
            token = _current.set(record)
            try:
                response = view(request, *args, **kwargs)
            except BaseException as exc:
                _current.reset(token)
                write(user=user, record=record, request=request, status=_status_of(exc))
                raise
            _current.reset(token)
            write(user=user, record=record, request=request, status=response.status_code)
            return response

        wrapped.audit = spec
        return wrapped

    return decorator


# --- writing -------------------------------------------------------------------------------------


def _jsonable(details: dict) -> dict:
    clean = {k: v for k, v in details.items() if not k.startswith("_")}
    return json.loads(json.dumps(clean, default=str))


def _bases(user, user_scope, students: dict[int, object | None]) -> dict[int, str]:
    """How the reader reached each pupil: own school, own district, or otherwise."""
    from portal.audit import access_basis_hooks, pupil_directory
    from portal.audit_models import AccessLogSubject

    Basis = AccessLogSubject.Basis
    unknown = [sid for sid, obj in students.items() if not hasattr(obj, "home_district_id")]
    facts = pupil_directory().facts(unknown) if unknown else {}
    result: dict[int, str] = {}
    pending: set[int] = set()
    for sid, obj in students.items():
        if hasattr(obj, "home_district_id"):
            school, district = obj.school_unit_id, obj.home_district_id
        elif sid in facts:
            school, district = facts[sid].school_unit_id, facts[sid].home_district_id
        else:
            school = district = None
        if school is not None and school in user_scope.school_unit_ids:
            result[sid] = Basis.SCHOOL
        elif district is not None and district in user_scope.social_district_ids:
            result[sid] = Basis.DISTRICT
        else:
            pending.add(sid)
    for basis, hook in access_basis_hooks():
        if not pending:
            break
        reached = set(hook(user, set(pending))) & pending
        for sid in reached:
            result[sid] = basis
        pending -= reached
    for sid in pending:
        result[sid] = Basis.OTHER
    return result


def write(
    *,
    user,
    record: AccessRecord,
    request=None,
    status: int | None = None,
    username: str | None = None,
):
    """Write one access-log row and its pupils. Raises if it cannot: a read that
    cannot be logged must not be served. ``username`` names someone who is not a user
    of the request (the name typed at a failed login)."""
    from portal.access import scope
    from portal.audit_models import AccessLog, AccessLogSubject

    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    user_scope = scope(user) if user is not None else None
    at = timezone.now()
    row = AccessLog.objects.create(
        at=at,
        user=user,
        username=user.get_username() if user is not None else (username or "")[:150],
        action=record.action[:60],
        kind=record.kind,
        record_kinds=frame_kinds(record.record_kinds),
        method=(request.method or "")[:8] if request is not None else "",
        path=request.path[:300] if request is not None else "",
        status_code=status,
        query=record.query[:200],
        rows=record.rows,
        remote_addr=remote_addr(request),
        correlation_id=(current_correlation_id() or "")[:64],
        unit_ids=sorted(user_scope.unit_roles) if user_scope is not None else [],
        details=_jsonable(record.details),
    )
    if record.students:
        bases = {}
        if user_scope is not None and record.kind in BASIS_KINDS:
            bases = _bases(user, user_scope, record.students)
        AccessLogSubject.objects.bulk_create(
            [
                AccessLogSubject(log=row, student_id=sid, at=at, basis=bases.get(sid, ""))
                for sid in sorted(record.students)
            ]
        )
    return row


def frame_kinds(kinds: Iterable[str]) -> str:
    """ ",a,b," so that a search for one kind is ``record_kinds__contains=",a,"``."""
    kinds = sorted({k.strip(",") for k in kinds if k})
    while len(",".join(kinds)) > 396:
        kinds.pop()
    return f",{','.join(kinds)}," if kinds else ""


#: Rows whose pupils get a basis (and so can be flagged as outside own cases).
BASIS_KINDS = frozenset({"view", "export", "change", "override"})
