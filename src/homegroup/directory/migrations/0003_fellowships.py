"""Reference data: the fellowships a directory lists, and which charters include medication.

Codes follow what feeds and TSML call them where they have a name (AA, NA, CA, CMA, MA, HA, OA,
GA, SAA, SLAA, ACA, CoDA, DA) and a short, unambiguous form otherwise. Only MARA, SMART
Recovery and Recovery Dharma have a medication-inclusive charter: each counts as evidence for
every one of its meetings (docs/adr/0003-mat-friendliness-evidence.md).
"""

from django.db import migrations

FELLOWSHIPS = [
    ("AA", "Alcoholics Anonymous", ""),
    ("NA", "Narcotics Anonymous", ""),
    ("CA", "Cocaine Anonymous", ""),
    ("CMA", "Crystal Meth Anonymous", ""),
    ("MA", "Marijuana Anonymous", ""),
    ("HA", "Heroin Anonymous", ""),
    ("PA", "Pills Anonymous", ""),
    ("OA", "Overeaters Anonymous", ""),
    ("GA", "Gamblers Anonymous", ""),
    ("SAA", "Sex Addicts Anonymous", ""),
    ("SLAA", "Sex and Love Addicts Anonymous", ""),
    ("ACA", "Adult Children of Alcoholics", ""),
    ("CODA", "Co-Dependents Anonymous", ""),
    ("DA", "Debtors Anonymous", ""),
    ("ALANON", "Al-Anon Family Groups", ""),
    ("NARANON", "Nar-Anon Family Groups", ""),
    (
        "MARA",
        "Medication-Assisted Recovery Anonymous",
        "MARA was founded by and for people in medication-assisted recovery; its adapted "
        "Twelve Steps and literature treat medication for opioid use disorder as recovery "
        "(marafellowship.org).",
    ),
    (
        "SMART",
        "SMART Recovery",
        "SMART Recovery's stated position supports the use of prescribed medication, "
        "medication for opioid use disorder included, as part of a person's recovery "
        "(smartrecovery.org).",
    ),
    (
        "RD",
        "Recovery Dharma",
        "Recovery Dharma's literature welcomes people using medication as prescribed, "
        "medication-assisted recovery included, as fully in recovery (recoverydharma.org).",
    ),
    ("RR", "Refuge Recovery", ""),
    ("LIFERING", "LifeRing Secular Recovery", ""),
    ("CR", "Celebrate Recovery", ""),
    ("WFS", "Women for Sobriety", ""),
]


def create_fellowships(apps, schema_editor):
    Fellowship = apps.get_model("directory", "Fellowship")
    for code, name, charter in FELLOWSHIPS:
        fellowship, created = Fellowship.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "medication_inclusive_charter": bool(charter),
                "charter_reference": charter,
            },
        )
        if not created and fellowship.name == fellowship.code:
            # Created earlier by an import with only its code: give it its name.
            fellowship.name = name
            fellowship.medication_inclusive_charter = bool(charter)
            fellowship.charter_reference = charter
            fellowship.save()


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_import_run_unknown_codes_evidence_source")]

    operations = [migrations.RunPython(create_fellowships, migrations.RunPython.noop)]
