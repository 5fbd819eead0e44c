"""Payouts, payroll runs and their exports in the admin. Every change is an action that calls a
service; the files are answered straight from memory, never cached, each one recorded."""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.admin_history import HistoryWithoutRevertAdmin
from portal.admin_reason import ReadOnlyAdmin, ReadOnlyInline, action_with_reason, apply_each, event_inline
from portal.transitions import TransitionError

from . import services
from .models import Payout, PayoutEvent, PayrollExport, PayrollRun
from .tax import form_1099_rows, threshold_for


def _file_response(name, content, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def method_decorator_post(function):
    """``require_POST`` for a ModelAdmin method (files and changes are never a GET)."""

    def wrapper(self, request, *args, **kwargs):
        return require_POST(lambda r: function(self, r, *args, **kwargs))(request)

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper


def _report_run(modeladmin, request, run):
    count = run.payouts.count()
    modeladmin.message_user(request, f"{run} made with {count} payouts.", messages.SUCCESS)
    for payout in run.left_out:
        modeladmin.message_user(request, f"Left out, not payable on {run.pay_on}: {payout}", messages.WARNING)


class FailureForm(forms.Form):
    """Why a payment failed: an ACH return code (or "other") and a note for the student."""

    code = forms.ChoiceField(label="Reason", choices=Payout.FailureReason.choices)
    reason = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Sent to the student with what to do.",
    )

    def clean(self):
        data = super().clean()
        data["reason"] = (data.get("code"), data.get("reason", ""))
        return data


class BlockedFilter(admin.SimpleListFilter):
    title = "approval"
    parameter_name = "blocked"

    def lookups(self, request, model_admin):
        return [("yes", "Refused: contractor record to fix")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=Payout.Status.AWAITING_APPROVAL).exclude(blocked_because="")
        return queryset


@admin.register(Payout)
class PayoutAdmin(HistoryWithoutRevertAdmin):
    list_display = [
        "pk",
        "description",
        "payee",
        "amount",
        "status",
        "method",
        "run",
        "paid_on",
        "blocked",
    ]
    list_display_links = ["pk", "description"]
    list_select_related = ["student", "contractor", "run"]
    list_filter = ["status", BlockedFilter, "method", "failure_reason", "paid_on"]
    search_fields = ["description", "student__email", "contractor__legal_last_name", "contractor__legal_first_name"]
    date_hierarchy = "created_at"
    fields = [
        "description",
        "amount",
        "payee",
        "status",
        "blocked_because",
        "run",
        "method",
        "approved_at",
        "paid_on",
        "failure_reason",
        "failure_note",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [event_inline(PayoutEvent)]
    actions = ["approve", "make_run", "mark_paid", "mark_failed", "cancel"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Payee", ordering="contractor__legal_last_name")
    def payee(self, obj):
        if obj.contractor_id:
            return obj.contractor.legal_name
        return obj.student.email if obj.student_id else "(account deleted)"

    @admin.display(description="Why not approved")
    def blocked(self, obj):
        if obj.status != Payout.Status.AWAITING_APPROVAL or not obj.blocked_because:
            return ""
        return "; ".join(line.split(": ", 1)[-1] for line in obj.blocked_because.splitlines())

    @admin.action(description="Approve the selected payouts", permissions=["change"])
    def approve(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda p: services.payout_approve(payout=p, by=request.user),
            done_message="{count} payouts approved.",
        )

    @admin.action(description="Put the selected approved payouts in a new payroll run", permissions=["change"])
    def make_run(self, request, queryset):
        try:
            run = services.run_create(by=request.user, payouts=list(queryset))
        except TransitionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        _report_run(self, request, run)
        return HttpResponseRedirect(reverse("admin:payroll_payrollrun_change", args=[run.pk]))

    @admin.action(description="Mark the selected payouts paid (today)", permissions=["change"])
    def mark_paid(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda p: services.payout_mark_paid(payout=p, by=request.user),
            done_message="{count} payouts marked paid.",
        )

    @admin.action(description="Mark the selected payouts failed…", permissions=["change"])
    def mark_failed(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title="Mark payouts failed",
            form_class=FailureForm,
            apply=lambda p, reason: services.payout_mark_failed(
                payout=p, by=request.user, reason=reason[0], note=reason[1]
            ),
            done_message="{count} payouts marked failed; the students are told what to do.",
        )

    @admin.action(description="Cancel the selected payouts…", permissions=["change"])
    def cancel(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title="Cancel payouts",
            apply=lambda p, reason: services.payout_cancel(payout=p, by=request.user, reason=reason),
        )


class RunPayoutInline(ReadOnlyInline):
    model = Payout
    fields = ["description", "payee", "amount", "method", "status", "paid_on", "failure_reason"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contractor", "student")

    @admin.display(description="Payee")
    def payee(self, obj):
        return obj.contractor.legal_name if obj.contractor_id else ""


class ExportInline(ReadOnlyInline):
    model = PayrollExport
    fields = ["at", "kind", "by", "file_name", "rows", "sha256"]
    readonly_fields = fields
    verbose_name_plural = "exports (the files themselves are never kept)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(PayrollRun)
class PayrollRunAdmin(HistoryWithoutRevertAdmin):
    list_display = ["__str__", "status", "payout_count", "total", "created_by", "created_at", "exported_at", "paid_at"]
    list_select_related = ["created_by"]
    list_filter = ["status"]
    fields = ["status", "pay_on", "created_by", "created_at", "exported_at", "paid_at", "payout_count", "total"]
    readonly_fields = fields
    inlines = [RunPayoutInline, ExportInline]
    actions = ["mark_paid"]
    change_form_template = "admin/payroll/payrollrun/change_form.html"
    change_list_template = "admin/payroll/payrollrun/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_count=Count("payouts"), _total=Sum("payouts__amount"))

    @admin.display(description="Payouts", ordering="_count")
    def payout_count(self, obj):
        return obj._count

    @admin.display(description="Total (USD)", ordering="_total")
    def total(self, obj):
        return obj._total or 0

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Mark the selected exported runs paid (today)", permissions=["change"])
    def mark_paid(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda run: services.run_mark_paid(run=run, by=request.user),
            done_message="{count} runs marked paid.",
        )

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(never_cache(function))

        return [
            path("new/", view(self.create_view), name="payroll_payrollrun_create"),
            path("<int:pk>/export/<str:kind>/", view(self.export_view), name="payroll_payrollrun_export"),
            path("<int:pk>/paid/", view(self.paid_view), name="payroll_payrollrun_paid"),
            path("form-1099/", view(self.form_1099_view), name="payroll_form_1099"),
            path("form-1099/<int:year>/export/", view(self.form_1099_export_view), name="payroll_form_1099_export"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            **(extra_context or {}),
            "can_export_payments": request.user.has_perm(services.EXPORT_PERMISSION),
            "can_change_run": self.has_change_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra)

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {}), "has_change_permission": self.has_change_permission(request)}
        return super().changelist_view(request, extra)

    def _require_change(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied

    @method_decorator_post
    def create_view(self, request):
        """A run of every approved payout, paid on the date given (today by default)."""
        self._require_change(request)
        try:
            pay_on = date.fromisoformat(request.POST.get("pay_on") or timezone.localdate().isoformat())
            run = services.run_create(by=request.user, pay_on=pay_on)
        except (TransitionError, ValueError) as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:payroll_payrollrun_changelist"))
        _report_run(self, request, run)
        return HttpResponseRedirect(reverse("admin:payroll_payrollrun_change", args=[run.pk]))

    @method_decorator_post
    def export_view(self, request, pk, kind):
        """The summary for staff who may view runs; the payment files only with the dedicated
        permission. The response is the file, from memory, never cached."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(PayrollRun, pk=pk)
        exporters = {
            PayrollExport.Kind.SUMMARY: (services.run_summary, "text/csv"),
            PayrollExport.Kind.NACHA: (services.run_export_nacha, "text/plain"),
            PayrollExport.Kind.CHECKS: (services.run_export_checks, "text/csv"),
        }
        if kind not in exporters:
            raise PermissionDenied
        if kind != PayrollExport.Kind.SUMMARY and not request.user.has_perm(services.EXPORT_PERMISSION):
            raise PermissionDenied
        exporter, content_type = exporters[kind]
        try:
            name, content = exporter(run=run, by=request.user)
        except TransitionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:payroll_payrollrun_change", args=[run.pk]))
        return _file_response(name, content, content_type)

    @method_decorator_post
    def paid_view(self, request, pk):
        self._require_change(request)
        run = get_object_or_404(PayrollRun, pk=pk)
        try:
            services.run_mark_paid(run=run, by=request.user)
        except TransitionError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, f"{run} marked paid.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:payroll_payrollrun_change", args=[run.pk]))

    def form_1099_view(self, request):
        """Everyone paid in a calendar year: the 1099-NEC list and the flagged taxpayer ids."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        this_year = timezone.localdate().year
        try:
            year = int(request.GET.get("year") or this_year - 1)
        except ValueError:
            year = this_year - 1
        rows = form_1099_rows(year)
        context = {
            **self.admin_site.each_context(request),
            "title": f"1099-NEC list for {year}",
            "opts": self.model._meta,
            "year": year,
            "years": range(this_year, this_year - 8, -1),
            "threshold": threshold_for(year),
            "reportable": [row for row in rows if row.reportable],
            "flagged": [row for row in rows if row.flagged],
            "paid_count": len(rows),
            "can_export": request.user.has_perm(services.EXPORT_PERMISSION),
        }
        return TemplateResponse(request, "admin/payroll/form_1099.html", context)

    @method_decorator_post
    def form_1099_export_view(self, request, year):
        if not request.user.has_perm(services.EXPORT_PERMISSION):
            raise PermissionDenied
        name, content = services.form_1099_export(year=year, by=request.user)
        return _file_response(name, content, "text/csv")


@admin.register(PayrollExport)
class PayrollExportAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "run", "tax_year", "by", "file_name", "rows", "sha256"]
    list_select_related = ["run", "by"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "run", "tax_year", "by", "at", "file_name", "rows", "sha256"]
    fields = readonly_fields
