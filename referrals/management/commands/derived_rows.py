"""Check, or rebuild, the rows derived from their source tables: which pupils
each district reaches (referrals.reach), the dashboard's row of each report
(referrals.facts) and their daily counts (referrals.daycounts), the pupil's
gender copied onto utredningar, SIPs, placements and consents
(cases.pupil_gender), each consent's pupil, days and withdrawal copied onto
its parties (consent.party_copy), each SIP's next follow-up copied from its
current version (cases.sip.follow_up), each utredning's report's categories
(referrals.investigation_categories), and the daily counts of utredningar and
consents (portal.tallies)."""

from django.core.management.base import BaseCommand, CommandError

from cases import pupil_gender
from cases.sip import follow_up
from consent import party_copy
from portal import tallies
from referrals import daycounts, facts, investigation_categories, reach

#: In the order they are derived: the daily counts from the reports' rows, those of
#: utredningar and consents after the gender and categories they count by.
KEPT = {
    "pupils reached by districts": reach,
    "dashboard rows of the reports": facts,
    "daily counts of the reports": daycounts,
    "pupils' gender on their rows": pupil_gender,
    "consents copied onto their parties": party_copy,
    "SIPs' next follow-up": follow_up,
    "reports' categories on their utredningar": investigation_categories,
    "daily counts of utredningar and consents": tallies,
}


class Command(BaseCommand):
    help = (
        "Compare the derived rows (pupils reached by each district, the dashboard's "
        "rows of the reports and their daily counts, the pupil's gender on utredningar, "
        "SIPs, placements and consents, the consent copied onto its parties, the SIP's "
        "next follow-up, the report's categories on its utredningar, the daily counts of "
        "utredningar and consents) with their "
        "source tables (--check), or rebuild them (--rebuild)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="exit 1 if any row differs")
        action.add_argument("--rebuild", action="store_true", help="write every row again")

    def handle(self, *args, check=False, rebuild=False, **options):
        differ = []
        for name, module in KEPT.items():
            if rebuild:
                self.stdout.write(f"{name}: {module.rebuild()} rows written.")
                continue
            differences = module.drift()
            if any(differences.values()):
                summary = ", ".join(f"{kind}: {len(rows)}" for kind, rows in differences.items())
                differ.append(f"{name} ({summary})")
            else:
                self.stdout.write(f"{name}: the rows match their source.")
        if differ:
            raise CommandError("The derived rows differ from their source: " + "; ".join(differ))
