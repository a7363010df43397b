from django.db import migrations

from portal import tallies


def _source():
    from referrals.dashboards import INVESTIGATION_TALLY

    return INVESTIGATION_TALLY


class Migration(migrations.Migration):
    """The open utredningar counted by the day they are due."""

    dependencies = [
        ("portal", "0008_day_counts_by_part"),
        ("referrals", "0022_day_counts_by_part"),
    ]

    operations = [
        tallies.filled("referrals", "Investigation", _source, kinds=("investigation_open",))
    ]
