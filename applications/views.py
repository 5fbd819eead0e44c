from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.forms import EligibilityForm
from portal.models import WorkEligibility
from portal.services import eligibility_declare
from portal.views import student_required

from .eligibility import eligibility_for


@never_cache
@student_required
@require_http_methods(["GET", "POST"])
def eligibility(request):
    """The student's work-eligibility state in plain words, and the form to declare it."""
    max_bytes = settings.ELIGIBILITY_DOCUMENT_MAX_BYTES
    if request.method == "POST":
        form = EligibilityForm(request.POST, request.FILES, max_document_bytes=max_bytes)
        if form.is_valid():
            data = form.cleaned_data
            record = eligibility_declare(
                student=request.user,
                basis=data["basis"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                document=data["document"] or None,
            )
            if record.status == WorkEligibility.Status.PENDING:
                messages.success(request, "Thank you. The career center will check your document and email you.")
            else:
                messages.success(request, "Your declaration is saved.")
            return redirect("applications:eligibility")
        messages.error(request, "Your declaration is not saved yet: please correct the fields marked below.")
    else:
        form = EligibilityForm(max_document_bytes=max_bytes)
    decision = eligibility_for(request.user)
    history = WorkEligibility.objects.filter(student=request.user).select_related("reviewed_by")
    return render(
        request,
        "applications/eligibility.html",
        {
            "form": form,
            "decision": decision,
            "record": decision.record,
            "history": history,
            "itin_guide_url": settings.ITIN_GUIDE_URL,
            "iss_url": settings.INTERNATIONAL_STUDENT_SERVICES_URL,
        },
    )
