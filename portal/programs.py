"""Academic programs, kept by career center staff, so that outcomes can be counted by program.

Students pick theirs (several allowed) on the profile; the free-text program of older profiles is
kept, and staff map it to a program with a bulk action in the admin.
"""

from django.db import models


class Program(models.Model):
    class Level(models.TextChoices):
        UNDERGRADUATE = "undergraduate", "Undergraduate"
        GRADUATE = "graduate", "Graduate"
        CERTIFICATE = "certificate", "Certificate"

    name = models.CharField(max_length=200, help_text="As students know it, for example: B.S. Biology.")
    school = models.CharField("school or college", max_length=150)
    level = models.CharField(max_length=16, choices=Level.choices)

    class Meta:
        app_label = "portal"
        ordering = ["name", "level"]
        constraints = [models.UniqueConstraint(fields=["name", "level"], name="program_unique_name_level")]

    def __str__(self):
        return f"{self.name} ({self.get_level_display()})"
