from django.db import migrations


def fill(apps, schema_editor):
    """The utredningar's daily and monthly counts (portal.tallies) from the rows there are."""
    from portal import tallies
    from referrals.dashboards import INVESTIGATION_TALLY

    investigation = apps.get_model("referrals", "Investigation")
    tallies.fill(
        INVESTIGATION_TALLY, investigation.objects.all(), apps.get_model("portal", "DayTally")
    )


def empty(apps, schema_editor):
    from referrals.dashboards import INVESTIGATION_TALLY

    day_tally = apps.get_model("portal", "DayTally")
    day_tally.objects.filter(kind__in=INVESTIGATION_TALLY.kinds).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_day_tallies"),
        ("referrals", "0019_investigation_report_categories"),
    ]

    operations = [migrations.RunPython(fill, empty)]
