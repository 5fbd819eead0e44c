from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import employer_membership_or_404
from portal.models import Invitation, Membership
from portal.transitions import TransitionError

from .forms import InvitationForm, OrganizationForm
from .services import (
    invitation_accept,
    invitation_is_open,
    membership_make_owner,
    organization_create,
    organization_invite,
)


def _detail_page(request, membership, invite_form, status=200):
    organization = membership.organization
    return render(
        request,
        "portal/organization_detail.html",
        {
            "membership": membership,
            "organization": organization,
            "members": organization.memberships.select_related("user").order_by("user__email"),
            "invitations": organization.invitations.filter(accepted_at__isnull=True)[:20]
            if membership.is_owner
            else [],
            "invite_form": invite_form,
        },
        status=status,
    )


@login_required
def organization_detail(request):
    membership = employer_membership_or_404(request)
    if membership is None:
        return redirect("organizations:new")
    return _detail_page(request, membership, InvitationForm())


@login_required
@require_http_methods(["GET", "POST"])
def organization_new(request):
    if employer_membership_or_404(request) is not None:
        return redirect("organizations:detail")
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization_create(by=request.user, **form.cleaned_data)
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "Organization created. The career center verifies it before your projects are published."
            )
            return redirect("organizations:detail")
    return render(request, "portal/organization_form.html", {"form": form})


@login_required
@require_POST
def organization_invite_view(request):
    membership = employer_membership_or_404(request)
    if membership is None or not membership.is_owner:
        raise Http404
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            organization_invite(organization=membership.organization, by=request.user, email=form.cleaned_data["email"])
        except TransitionError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("organizations:detail")
    return _detail_page(request, membership, form, status=400)


@require_http_methods(["GET", "POST"])
def invitation_view(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("organization"), token=token)
    error = None
    if not invitation_is_open(invitation):
        error = "This invitation has been used or has expired; ask the organization for a new one."
    if request.method == "POST" and error is None:
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            invitation_accept(invitation=invitation, by=request.user)
        except TransitionError as exc:
            error = str(exc)
        else:
            messages.success(request, f"You joined {invitation.organization}.")
            return redirect("organizations:detail")
    return render(
        request,
        "portal/invitation.html",
        {"invitation": invitation, "error": error},
        status=400 if error and request.method == "POST" else 200,
    )


@login_required
@require_POST
def member_make_owner(request, pk):
    membership = employer_membership_or_404(request)
    if membership is None or not membership.is_owner:
        raise Http404
    member = get_object_or_404(Membership.objects.select_related("user"), pk=pk, organization=membership.organization)
    try:
        membership_make_owner(membership=member, by=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{member.user.get_full_name() or member.user.email} is now an owner.")
    return redirect("organizations:detail")
