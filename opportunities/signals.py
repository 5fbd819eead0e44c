"""Keep the search listings current whatever changes a project, its skills or its
organization (services, admin, shell), and move the browse cache's listing version on."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from portal.models import Organization, Skill

from .listing_cache import bump_listing_version
from .models import Project
from .services import LISTING_FIELDS, listing_refresh

# What a listing holds or is decided by: a save that touches none of these leaves it alone.
LISTED_FIELDS = {"title", "summary", "description", "deliverables", "status", "organization", *LISTING_FIELDS}


@receiver(post_save, sender=Project, dispatch_uid="opportunities-project-listing")
def project_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and not LISTED_FIELDS & set(update_fields)):
        return
    listing_refresh(projects=Project.objects.filter(pk=instance.pk))


@receiver(m2m_changed, sender=Project.skills.through, dispatch_uid="opportunities-project-skills-listing")
def project_skills_changed(sender, instance, action, reverse, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        # A skill gained or lost projects (from the skill's side).
        projects = Project.objects.filter(pk__in=pk_set or []) if action != "post_clear" else Project.objects.none()
    else:
        projects = Project.objects.filter(pk=instance.pk)
    listing_refresh(projects=projects)


@receiver(post_save, sender=Skill, dispatch_uid="opportunities-skill-renamed-listing")
def skill_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    listing_refresh(projects=Project.objects.filter(skills=instance))


@receiver(post_save, sender=Organization, dispatch_uid="opportunities-organization-listing")
def organization_saved(sender, instance, created, raw=False, **kwargs):
    """Verified, suspended or back: its published projects are listed, or no longer."""
    if raw or created:
        return
    listing_refresh(projects=Project.objects.filter(organization=instance))


# Anything that can change what the browse page shows moves the listing version on.
for _sender in (Project, Organization, Skill):
    post_save.connect(bump_listing_version, sender=_sender, dispatch_uid=f"listing-version-save-{_sender.__name__}")
    post_delete.connect(bump_listing_version, sender=_sender, dispatch_uid=f"listing-version-delete-{_sender.__name__}")
m2m_changed.connect(bump_listing_version, sender=Project.skills.through, dispatch_uid="listing-version-skills")
