from django.conf import settings
from django.db import migrations, models

# The copy cases.sip.follow_up keeps, for the plans already there.
FILL = [
    "UPDATE cases_sipplan SET follow_up_on = ("
    "SELECT v.next_follow_up_on FROM cases_sipversion v "
    "WHERE v.plan_id = cases_sipplan.id ORDER BY v.number DESC LIMIT 1)",
]


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0008_sip_dashboard_cover"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="sipplan",
            name="sip_unit_status_cover",
        ),
        migrations.AddField(
            model_name="sipplan",
            name="follow_up_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="next follow-up"
            ),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="sipplan",
            index=models.Index(
                fields=["convenor_unit", "status"],
                include=(
                    "id",
                    "pupil_gender",
                    "created_at",
                    "activated_at",
                    "escalated_at",
                    "closed_at",
                    "follow_up_on",
                ),
                name="sip_unit_status_cover",
            ),
        ),
    ]
