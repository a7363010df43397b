"""The change history (ändringslogg) of case records, kept by django-auditlog.

Each domain app registers its models in its own ``audit.py`` with ``track()``:
personnummer are masked to the birth date, free text and contact details to their
length, so the log says *that* a report's text or a guardian's phone changed, and
who changed it, without copying what it says. The reviewer reads the record itself
when the content matters.

auditlog listens to ``save()`` and ``delete()``. A queryset's ``update()`` and
``bulk_create()`` send no signals, so services write those through ``update()`` and
``bulk_create()`` below, which log each row as auditlog would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Model, QuerySet, prefetch_related_objects

_PERSONNUMMER = re.compile(r"^(\d{8})\d{4}$")

#: The masks are recognisable in the log as masks, and say nothing of the content.
_EMPTY = {"", "None"}


def mask(value: str) -> str:
    """auditlog's mask for a model's masked fields: a personnummer keeps its birth
    date (YYYYMMDD-XXXX, as the portal shows it), anything else becomes its length."""
    if value in _EMPTY:
        return value
    match = _PERSONNUMMER.match(value)
    if match:
        return f"{match.group(1)}-XXXX"
    return f"[masked: {len(value)} characters]"


def track(model, *, masked: Sequence[str] = (), excluded: Sequence[str] = ()) -> None:
    """Register ``model`` with auditlog: ``masked`` fields are logged as masks,
    ``excluded`` ones not at all (bookkeeping such as ``updated_at``)."""
    from auditlog.registry import auditlog

    auditlog.register(
        model,
        mask_fields=list(masked),
        exclude_fields=list(excluded),
        mask_callable="portal.changelog.mask",
    )


def is_tracked(model) -> bool:
    from auditlog.registry import auditlog

    return auditlog.contains(model)


def _entry(instance: Model, *, action: int, changes: dict | None):
    """A LogEntry as auditlog writes it, with the actor and address of the request
    being served (none in a command or a task)."""
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from portal.accesslog import current_request, remote_addr

    request = current_request()
    user = getattr(request, "user", None)
    actor = user if getattr(user, "is_authenticated", False) else None
    pk = instance.pk
    return LogEntry(
        content_type=ContentType.objects.get_for_model(instance.__class__),
        object_pk=str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=str(instance)[:5000],
        action=action,
        changes=changes,
        actor=actor,
        actor_email=getattr(actor, "email", None) if actor else None,
        cid=get_cid(),
        remote_addr=remote_addr(request),
    )


def bulk_create(model, objs: Iterable[Model], **kwargs) -> list[Model]:
    """``model.objects.bulk_create(objs)``, with a change-log entry per row."""
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry

    created = model.objects.bulk_create(list(objs), **kwargs)
    if created and is_tracked(model):
        if any(obj.pk is None for obj in created):
            raise RuntimeError(f"bulk_create of {model.__name__} did not return primary keys")
        # str(obj), the entry's object_repr, may read a related row: one query per
        # relation for all rows, not one per row.
        prefetch_related_objects(
            created,
            *[f.name for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one],
        )
        LogEntry.objects.bulk_create(
            [
                _entry(
                    obj,
                    action=LogEntry.Action.CREATE,
                    changes=model_instance_diff(None, obj),
                )
                for obj in created
            ]
        )
    return created


def update(queryset: QuerySet, **values) -> int:
    """``queryset.update(**values)``, with a change-log entry per changed row."""
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry

    model = queryset.model
    if not is_tracked(model):
        return queryset.update(**values)
    with transaction.atomic():
        before = list(queryset.select_for_update())
        pks = [obj.pk for obj in before]
        count = model._default_manager.filter(pk__in=pks).update(**values)
        after = model._default_manager.in_bulk(pks)
        entries = []
        for old in before:
            new = after.get(old.pk)
            changes = new and model_instance_diff(old, new, fields_to_check=list(values))
            if changes:
                entries.append(_entry(new, action=LogEntry.Action.UPDATE, changes=changes))
        LogEntry.objects.bulk_create(entries)
    return count
