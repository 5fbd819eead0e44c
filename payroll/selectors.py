from django.db import models


class ItinStatus(models.TextChoices):
    VALID = "valid", "Valid"
    EXPIRING = "expiring", "Expiring this year"
    EXPIRED = "expired", "Expired"
    NONE = "none", "No ITIN on file"


def itin_status(student):
    """The ITIN route of the eligibility gate asks payroll this.

    Until contractor records exist nobody has an ITIN on file.
    """
    return ItinStatus.NONE
