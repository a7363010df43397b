from django.db import migrations, models

# The copies consent.party_copy keeps, for the parties already there.
FILL = [
    "UPDATE consent_consentparty SET "
    "consent_student_id = c.student_id, consent_valid_from = c.valid_from, "
    "consent_valid_to = c.valid_to, consent_withdrawn_at = c.withdrawn_at "
    "FROM consent_consent c WHERE c.id = consent_consentparty.consent_id",
]


class Migration(migrations.Migration):

    dependencies = [
        ("consent", "0004_pupil_gender"),
    ]

    operations = [
        migrations.AddField(
            model_name="consentparty",
            name="consent_student_id",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="consentparty",
            name="consent_valid_from",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="consentparty",
            name="consent_valid_to",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="consentparty",
            name="consent_withdrawn_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="consentparty",
            name="consent_student_id",
            field=models.BigIntegerField(editable=False),
        ),
        migrations.AlterField(
            model_name="consentparty",
            name="consent_valid_from",
            field=models.DateField(editable=False),
        ),
        migrations.AlterField(
            model_name="consentparty",
            name="consent_valid_to",
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name="consentparty",
            index=models.Index(
                fields=["unit", "consent_valid_to"],
                include=(
                    "consent_student_id",
                    "consent_valid_from",
                    "withdrawn_at",
                    "consent_withdrawn_at",
                ),
                name="consent_party_unit_until",
            ),
        ),
    ]
