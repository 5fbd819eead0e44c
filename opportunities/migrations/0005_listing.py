"""Search reads its own narrow table of listed projects (see ``Listing``): created and filled
from the projects (their stored vectors move with them), indexed for full-text search on
PostgreSQL, and the projects' own vector column dropped."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

INDEX = "listing_search_vector_gin"


def fill(apps, schema_editor):
    schema_editor.execute(
        """
        INSERT INTO opportunities_listing
            (project_id, search_vector, published_at, apply_by, career_path, estimated_hours, fee, remote)
        SELECT p.id, p.search_vector, COALESCE(p.published_at, p.created_at), p.apply_by, p.career_path,
               p.estimated_hours, p.fee, p.remote
        FROM opportunities_project p JOIN portal_organization o ON o.id = p.organization_id
        WHERE p.status = 'published' AND o.status = 'verified'
        """
    )


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON opportunities_listing USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0004_project_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="Listing",
            fields=[
                (
                    "project",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="listing",
                        serialize=False,
                        to="opportunities.project",
                    ),
                ),
                ("search_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("published_at", models.DateTimeField()),
                ("apply_by", models.DateField()),
                (
                    "career_path",
                    models.CharField(
                        choices=[
                            ("business", "Business and operations"),
                            ("consulting", "Consulting and strategy"),
                            ("data", "Data and analytics"),
                            ("design", "Design and creative"),
                            ("education", "Education"),
                            ("engineering", "Engineering and software"),
                            ("finance", "Finance and accounting"),
                            ("health", "Health and life sciences"),
                            ("hr", "Human resources"),
                            ("marketing", "Marketing and communications"),
                            ("nonprofit", "Non-profit and social impact"),
                            ("research", "Research"),
                            ("sales", "Sales and customer success"),
                        ],
                        max_length=20,
                    ),
                ),
                ("estimated_hours", models.PositiveSmallIntegerField()),
                ("fee", models.DecimalField(decimal_places=2, max_digits=8)),
                ("remote", models.BooleanField()),
            ],
            options={
                "indexes": [models.Index(fields=["-published_at", "-project"], name="listing_published_idx")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_index, drop_index, elidable=False),
        migrations.RemoveField(model_name="project", name="search_vector"),
    ]
