"""The pupil's gender, copied onto the rows the managers' dashboard counts in
their thousands: utredningar, SIPs, placements and consents.

Every dashboard figure is split girls / boys / other or unknown. Reading the
gender from the pupil joins each counted row with the pupils, which on the
city-scale data costs more than the count itself. These rows carry a copy in
their ``pupil_gender`` field instead, kept here:

* a row takes the pupil's gender whenever it is saved (``pre_save``);
* when a pupil's gender changes, every row of that pupil is rewritten in the
  transaction of that change (the pupil's ``post_save``);
* queryset ``update()`` and ``bulk_create`` send no signals: ``rebuild()``
  writes every copy again (the city-scale generator writes the copies itself),
  and ``drift()`` names any row whose copy differs from its pupil
  (``manage.py derived_rows --check``).

The copy is bookkeeping, not a decision: the change history does not log it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Model, OuterRef, Subquery
from django.db.models.signals import post_save, pre_save

from cases.models import Student

FIELD = "pupil_gender"

#: The models that carry a copy, each with a ``student`` foreign key.
_copies: list[type[Model]] = []


def keep(model: type[Model]) -> None:
    """Keep ``model.pupil_gender`` equal to the gender of its ``student``."""
    if model not in _copies:
        _copies.append(model)
    pre_save.connect(_row_saving, sender=model, dispatch_uid=f"cases.pupil_gender.{model._meta}")


def copies() -> list[type[Model]]:
    return list(_copies)


def _row_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and FIELD not in update_fields):
        return
    student = sender._meta.get_field("student")
    if student.is_cached(instance):
        gender = instance.student.gender
    else:
        gender = Student.objects.values_list("gender", flat=True).get(pk=instance.student_id)
    setattr(instance, FIELD, gender)


def _pupil_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw or created or (update_fields is not None and "gender" not in update_fields):
        return
    for model in _copies:
        model.objects.filter(student=instance).exclude(**{FIELD: instance.gender}).update(
            **{FIELD: instance.gender}
        )


post_save.connect(_pupil_saved, sender=Student, dispatch_uid="cases.pupil_gender.pupil")


def drift() -> dict[str, list[str]]:
    """Rows whose copy differs from their pupil's gender: ``{"wrong": ["<model> <pk>"]}``."""
    wrong = []
    for model in _copies:
        rows = model.objects.exclude(**{FIELD: F("student__gender")})
        wrong += [f"{model._meta.label} {pk}" for pk in rows.values_list("pk", flat=True)]
    return {"wrong": wrong}


@transaction.atomic
def rebuild() -> int:
    """Write every copy again from the pupils; returns the number of rows."""
    gender = Subquery(Student.objects.filter(pk=OuterRef("student_id")).values("gender")[:1])
    return sum(model.objects.update(**{FIELD: gender}) for model in _copies)
