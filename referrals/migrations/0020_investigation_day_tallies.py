from django.db import migrations

from portal import tallies


def _source():
    """The utredningar's daily and monthly counts."""
    from referrals.dashboards import INVESTIGATION_TALLY

    return INVESTIGATION_TALLY


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_day_tallies"),
        ("referrals", "0019_investigation_report_categories"),
    ]

    operations = [tallies.filled("referrals", "Investigation", _source)]
