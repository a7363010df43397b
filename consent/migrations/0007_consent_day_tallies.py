from django.db import migrations

from portal import tallies


def _source():
    """The consents' daily and monthly counts."""
    from consent.dashboards import CONSENT_TALLY

    return CONSENT_TALLY


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_day_tallies"),
        ("consent", "0006_dashboard_cover"),
    ]

    operations = [tallies.filled("consent", "Consent", _source)]
