from django.db import migrations

from portal import tallies


def _source():
    """The SIPs' daily and monthly counts."""
    from cases.dashboards import SIP_TALLY

    return SIP_TALLY


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_day_tallies"),
        ("cases", "0009_sip_follow_up_copy"),
    ]

    operations = [tallies.filled("cases", "SipPlan", _source)]
