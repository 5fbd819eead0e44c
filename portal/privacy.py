"""The portal's part of "Download my data" and "Delete my account".

Every app may have a ``privacy`` module with ``export(user) -> dict`` and ``erase(user)``;
``portal.data_rights`` runs them all. Exports never include document contents, only that a
document was given.
"""

from allauth.account.models import EmailAddress

from .models import Membership, OutboundEmail, StudentProfile, WorkEligibility
from .services import delete_file_on_commit


def export_date(value):
    """Dates and times in exports: ISO 8601, or None."""
    return value.isoformat() if value else None


def export(user):
    profile = StudentProfile.objects.filter(user=user).prefetch_related("skills").first()
    data = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "date_joined": export_date(user.date_joined),
            "last_login": export_date(user.last_login),
        },
        "profile": None,
        "eligibility_history": [
            {
                "basis": record.get_basis_display(),
                "status": record.get_status_display(),
                "current": record.is_current,
                "authorized_from": export_date(record.starts_on),
                "authorized_until": export_date(record.ends_on),
                "document_uploaded": bool(record.document),
                "declared_at": export_date(record.created_at),
                "decided_at": export_date(record.decided_at),
                "reason": record.reason,
            }
            for record in WorkEligibility.objects.filter(student=user).order_by("created_at", "pk")
        ],
    }
    if profile is not None:
        data["profile"] = {
            "program": profile.program,
            "programs": [str(program) for program in profile.programs.all()],
            "first_generation": profile.first_generation,
            "pell_eligible": profile.pell_eligible,
            "graduation_term": profile.graduation_term,
            "status": profile.get_status_display() if profile.status else "",
            "linkedin_url": profile.linkedin_url,
            "bio": profile.bio,
            "skills": [{"name": skill.name, "kind": skill.get_kind_display()} for skill in profile.skills.all()],
            "resume_uploaded": bool(profile.resume),
            "resume_uploaded_at": export_date(profile.resume_uploaded_at),
            "attested_18_or_older_at": export_date(profile.adult_attested_at),
        }
    return data


def erase_blocker(user):
    """An organization must keep an owner while it has members: its only owner hands over first."""
    membership = Membership.objects.select_related("organization").filter(user=user).first()
    if membership is None or not membership.is_owner:
        return None
    others = Membership.objects.filter(organization=membership.organization).exclude(user=user)
    if others.exists() and not others.filter(role=Membership.Role.OWNER).exists():
        return (
            f"You are the only owner of {membership.organization.name}. Make another member an owner "
            "on the organization page first; then you can delete your account."
        )
    return None


def erase(user):
    """Remove the profile, the eligibility records (with their history) and every file; then
    strip the account to an anonymous, inactive shell that records kept for tax law may still
    point at."""
    profile = StudentProfile.objects.filter(user=user).first()
    if profile is not None:
        delete_file_on_commit(profile.resume.storage, profile.resume.name)
        profile.delete()
    records = list(WorkEligibility.objects.filter(student=user))
    for record in records:
        delete_file_on_commit(record.document.storage, record.document.name)
    WorkEligibility.history.filter(student_id=user.pk).delete()
    WorkEligibility.objects.filter(student=user).delete()
    # simple_history writes a "deleted" row for each record; those go too.
    WorkEligibility.history.filter(student_id=user.pk).delete()
    # An employer leaves the organization; it keeps its projects and their history.
    Membership.objects.filter(user=user).delete()
    OutboundEmail.objects.filter(recipient__iexact=user.email).delete()
    EmailAddress.objects.filter(user=user).delete()
    # A new (unusable) password changes the session hash, which ends every other session.
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "first_name", "last_name", "is_active", "password"])
