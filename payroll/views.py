from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import student_required
from portal.transitions import TransitionError

from .forms import CERTIFICATION_STATEMENTS, PayrollForm
from .models import ContractorRecord, ItinStatus
from .selectors import contractor_record_for, earnings_for, statement_for
from .services import contractor_save

SECRET_POST_FIELDS = ("taxpayer_id", "routing_number", "account_number", "current_password")


@never_cache
@student_required
@require_GET
def home(request):
    student = request.user
    record = contractor_record_for(student)
    state = record.state_on() if record else ContractorRecord.State.NOT_STARTED
    payouts, years, this_year = earnings_for(student)
    return render(
        request,
        "payroll/home.html",
        {
            "record": record,
            "state": state,
            "states": ContractorRecord.State,
            "itin_status": record.itin_status() if record else ItinStatus.NONE,
            "itin_statuses": ItinStatus,
            "irs_itin_url": settings.ITIN_GUIDE_URL,
            "payouts": payouts,
            "years": years,
            "this_year_total": this_year,
        },
    )


@never_cache
@student_required
@require_GET
def statement(request, year):
    """A printable statement of what was paid in ``year``: the student's own, nothing else."""
    payouts, total = statement_for(request.user, year)
    return render(
        request,
        "payroll/statement.html",
        {"year": year, "payouts": payouts, "total": total, "record": contractor_record_for(request.user)},
    )


@sensitive_post_parameters(*SECRET_POST_FIELDS)
@never_cache
@student_required
@require_http_methods(["GET", "POST"])
def edit(request):
    student = request.user
    record = contractor_record_for(student)
    form = PayrollForm(request.POST or None, user=student, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            contractor_save(student=student, data=form.cleaned_data, by=student, ip=request.META.get("REMOTE_ADDR"))
        except TransitionError as error:
            form.add_error(error.field, str(error))
            form._ask_to_retype_secrets()
        else:
            messages.success(request, "Your payroll details are saved and signed.")
            return redirect("payroll:home")
    return render(
        request,
        "payroll/edit.html",
        {
            "form": form,
            "record": record,
            "statements": [form[name] for name in CERTIFICATION_STATEMENTS],
            "irs_itin_url": settings.ITIN_GUIDE_URL,
        },
    )
