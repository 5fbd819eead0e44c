"""The "Career center" staff group and what it may do in the admin.

The group itself comes from a data migration; its permissions are granted after every
migrate, because permissions for models added by later migrations exist only then.
"""

from django.contrib.auth.models import Group, Permission

CAREER_CENTER_GROUP = "Career center"
# Only its members (added one by one by a superuser) export the files with full bank and
# taxpayer numbers: the NACHA file, the paper checks, the 1099-NEC filing file.
PAYMENT_FILES_GROUP = "Payment files"
PAYMENT_FILES_PERMISSION = ("payroll", "export_payment_files")

# app_label -> {model name: actions}. Later features add their models here.
CAREER_CENTER_PERMISSIONS = {
    "portal": {
        "user": ["view", "change"],
        "skill": ["view", "add", "change", "delete"],
        "learningresource": ["view", "add", "change", "delete"],
        "program": ["view", "add", "change", "delete"],
        "outboundemail": ["view", "change"],
        "studentprofile": ["view", "change"],
        "workeligibility": ["view", "change"],
        "historicalworkeligibility": ["view"],
        "organization": ["view", "change"],
        "historicalorganization": ["view"],
        # Read only: memberships change through the organization's invitations.
        "membership": ["view"],
        "invitation": ["view"],
    },
    "opportunities": {
        "project": ["view", "change"],
        "historicalproject": ["view"],
        "question": ["view"],
        "projectevent": ["view"],
        "savedsearch": ["view"],
    },
    # Contractor records are never added or deleted by staff (tax law keeps them). Payouts and
    # runs change through their actions ("change"); exporting the payment files and the 1099
    # filing file (full account and taxpayer numbers) is NOT granted here: see PAYMENT_FILES_GROUP.
    "payroll": {
        "contractorrecord": ["view", "change"],
        "payout": ["view", "change"],
        "historicalpayout": ["view"],
        "payoutevent": ["view"],
        "payrollrun": ["view", "change"],
        "historicalpayrollrun": ["view"],
        "payrollexport": ["view"],
    },
    # Applications change state only through their services; staff read, export, and answer
    # draft-review requests.
    "applications": {
        "application": ["view"],
        "answer": ["view"],
        "applicationevent": ["view"],
        "reviewrequest": ["view", "change"],
        # Engagements are read-only in the admin; "change" lets staff cancel one (a service).
        "engagement": ["view", "change"],
        "engagementevent": ["view"],
        "kickoffslot": ["view"],
        "milestone": ["view"],
        "submission": ["view"],
        "submissionfile": ["view"],
        # After the work: read-only, with CSV export.
        "feedback": ["view"],
        "feedbackrating": ["view"],
        "survey": ["view"],
        "completion": ["view"],
    },
}


def grant_career_center_permissions(**kwargs):
    group = Group.objects.filter(name=CAREER_CENTER_GROUP).first()
    if group is None:
        return
    wanted = [
        f"{action}_{model}"
        for models in CAREER_CENTER_PERMISSIONS.values()
        for model, actions in models.items()
        for action in actions
    ]
    perms = Permission.objects.filter(
        content_type__app_label__in=CAREER_CENTER_PERMISSIONS.keys(), codename__in=wanted
    ).select_related("content_type")
    group.permissions.add(
        *[
            p
            for p in perms
            if p.codename.split("_", 1)[1] in CAREER_CENTER_PERMISSIONS.get(p.content_type.app_label, {})
        ]
    )
    # For the models named above the list is the whole truth: an action taken off it (such as
    # changing memberships) is taken from the group too, not only left out of new databases.
    revoked = []
    for permission in group.permissions.select_related("content_type"):
        action, _, model = permission.codename.partition("_")
        allowed = CAREER_CENTER_PERMISSIONS.get(permission.content_type.app_label, {}).get(model)
        standard = action in ("view", "add", "change", "delete") and model == permission.content_type.model
        if standard and allowed is not None and action not in allowed:
            revoked.append(permission)
    if revoked:
        group.permissions.remove(*revoked)


def grant_payment_files_permission(**kwargs):
    """The "Payment files" group holds the one permission; nobody is in it by default."""
    app_label, codename = PAYMENT_FILES_PERMISSION
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if permission is None:
        return
    group, _ = Group.objects.get_or_create(name=PAYMENT_FILES_GROUP)
    group.permissions.add(permission)
