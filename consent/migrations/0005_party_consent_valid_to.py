from django.db import migrations, models

# The copy consent.party_ends keeps, for the parties already there.
FILL = [
    "UPDATE consent_consentparty SET consent_valid_to = "
    "(SELECT c.valid_to FROM consent_consent c WHERE c.id = consent_consentparty.consent_id)",
]


class Migration(migrations.Migration):

    dependencies = [
        ("consent", "0004_pupil_gender"),
    ]

    operations = [
        migrations.AddField(
            model_name="consentparty",
            name="consent_valid_to",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="consentparty",
            name="consent_valid_to",
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name="consentparty",
            index=models.Index(
                fields=["unit", "consent_valid_to"],
                include=("consent", "withdrawn_at"),
                name="consent_party_unit_until",
            ),
        ),
    ]
