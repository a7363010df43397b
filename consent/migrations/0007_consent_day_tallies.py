from django.db import migrations


def fill(apps, schema_editor):
    """The consents' daily and monthly counts (portal.tallies) from the rows there are."""
    from portal import tallies
    from consent.dashboards import CONSENT_TALLY

    consent = apps.get_model("consent", "Consent")
    tallies.fill(CONSENT_TALLY, consent.objects.all(), apps.get_model("portal", "DayTally"))


def empty(apps, schema_editor):
    from consent.dashboards import CONSENT_TALLY

    day_tally = apps.get_model("portal", "DayTally")
    day_tally.objects.filter(kind__in=CONSENT_TALLY.kinds).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_day_tallies"),
        ("consent", "0006_dashboard_cover"),
    ]

    operations = [migrations.RunPython(fill, empty)]
