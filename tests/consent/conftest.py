import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consent import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan(content=PDF, name="samtycke.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def record_consent():
    """Record a consent through the real service."""

    def record(by, student, parties, categories, **overrides):
        today = timezone.localdate()
        fields = {
            "guardians": list(student.guardians.all()),
            "pupil_gives": False,
            "purpose": "Samordna stödet kring eleven.",
            "valid_from": today,
            "valid_to": today + datetime.timedelta(days=180),
            "form": "written",
            "scan": scan(),
        }
        fields.update(overrides)
        if not fields["guardians"] and not fields["pupil_gives"]:
            fields["pupil_gives"] = True
        return services.consent_record(
            by=by, student=student, parties=parties, categories=categories, **fields
        )

    return record
