"""A project's programme becomes a link to a funding programme (it was free text).

Each project's text is matched to a programme, case-insensitively, by the programme's name,
its slug or a known alias ("COSME Cluster Excellence Programme", "Euroclusters (Single
Market Programme)"…); a note in brackets is ignored when the rest matches. Text that matches
no programme is not lost: it stays, unchanged, in ``programme_other`` (shown as the
project's programme, and editable), so nothing is invented for it. Going back copies each
programme's name back into the text.
"""

import re

import django.db.models.deletion
from django.db import migrations, models

# Other ways projects name the reference programmes (funding/migrations/0002_programmes).
ALIASES = {
    "euroclusters": [
        "eurocluster",
        "euroclusters single market programme",
        "single market programme euroclusters",
        "smp euroclusters",
    ],
    "cluster-excellence-programme": [
        "cosme",
        "cosme cluster excellence",
        "cosme cluster excellence programme",
        "cluster excellence",
        "european cluster excellence programme",
        "european cluster partnerships for excellence",
        "european cluster partnerships excellence",
        "escp 4x",
    ],
    "clusterxchange": ["cluster xchange", "cluster exchange", "cxc"],
    "pact-for-skills": ["pact for skills", "eu pact for skills"],
    "social-economy-canvas": ["social economy canvas", "canvas for social economy"],
    "intelligent-cities-reskilling": [
        "intelligent cities",
        "intelligent cities challenge",
        "icc reskilling",
    ],
}


def normalise(text):
    """Lower case, words only: "COSME – Cluster Excellence" → "cosme cluster excellence"."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def match_programme(text, programmes):
    """The slug of the programme ``text`` names, or None. ``programmes``: (slug, name) pairs."""
    names = {}
    for slug, name in programmes:
        for alias in [slug, name, *ALIASES.get(slug, [])]:
            names[normalise(alias)] = slug
    candidates = [normalise(text), normalise(re.sub(r"\([^)]*\)", " ", text))]
    for candidate in candidates:
        if candidate and candidate in names:
            return names[candidate]
    return None


def link_programmes(apps, schema_editor):
    Project = apps.get_model("clusters", "Project")
    Programme = apps.get_model("funding", "Programme")
    programmes = {p.slug: p for p in Programme.objects.all()}
    pairs = [(p.slug, p.name) for p in programmes.values()]
    for project in Project.objects.exclude(programme_other="").only("pk", "programme_other"):
        slug = match_programme(project.programme_other, pairs)
        if slug is not None:
            Project.objects.filter(pk=project.pk).update(
                programme=programmes[slug], programme_other=""
            )


def unlink_programmes(apps, schema_editor):
    Project = apps.get_model("clusters", "Project")
    for project in Project.objects.filter(programme__isnull=False).select_related("programme"):
        Project.objects.filter(pk=project.pk).update(
            programme_other=project.programme.name[:200], programme=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0001_initial"),
        ("funding", "0002_programmes"),
    ]

    operations = [
        # The text moves to programme_other first, so no project loses it.
        migrations.RenameField("project", "programme", "programme_other"),
        migrations.AlterField(
            model_name="project",
            name="programme_other",
            field=models.CharField(blank=True, max_length=200, verbose_name="other programme"),
        ),
        migrations.AddField(
            model_name="project",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="funding.programme",
                verbose_name="programme",
            ),
        ),
        migrations.RunPython(link_programmes, unlink_programmes),
    ]
