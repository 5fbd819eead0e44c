from django.contrib import admin
from django.db.models import Count, IntegerField, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from portal.admin_history import HistoryWithoutRevertAdmin

from .models import ContractorRecord, ItinStatus
from .validators import ITIN_UNRENEWED_CUTOFF_YEAR, ITIN_UNUSED_YEARS


class ItinStatusFilter(admin.SimpleListFilter):
    title = "ITIN status"
    parameter_name = "itin"

    def lookups(self, request, model_admin):
        return [(s.value, s.label) for s in (ItinStatus.VALID, ItinStatus.EXPIRING, ItinStatus.EXPIRED)]

    def queryset(self, request, queryset):
        if self.value() not in (ItinStatus.VALID, ItinStatus.EXPIRING, ItinStatus.EXPIRED):
            return queryset
        # Same rule as ``itin_expiry``: the later of the issue/renewal year and the last tax year
        # used, plus three; unrenewed ITINs from before 2013 have expired.
        year = timezone.localdate().year
        queryset = queryset.filter(tin_type=ContractorRecord.TinType.ITIN).annotate(
            _itin_end=Greatest(
                Coalesce("itin_last_used_year", "itin_issued_year"), "itin_issued_year", output_field=IntegerField()
            )
            + ITIN_UNUSED_YEARS
        )
        old = Q(itin_issued_year__lt=ITIN_UNRENEWED_CUTOFF_YEAR) | Q(itin_issued_year__isnull=True)
        if self.value() == ItinStatus.EXPIRED:
            return queryset.filter(old | Q(_itin_end__lt=year))
        queryset = queryset.exclude(old)
        if self.value() == ItinStatus.EXPIRING:
            return queryset.filter(_itin_end=year)
        return queryset.filter(_itin_end__gt=year)


class SharedTinFilter(admin.SimpleListFilter):
    title = "taxpayer id"
    parameter_name = "shared_tin"

    def lookups(self, request, model_admin):
        return [("yes", "Also on another record")]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        shared = ContractorRecord.objects.values("tin_hash").annotate(n=Count("pk")).filter(n__gt=1).values("tin_hash")
        return queryset.filter(tin_hash__in=shared)


@admin.register(ContractorRecord)
class ContractorRecordAdmin(HistoryWithoutRevertAdmin):
    """Staff see and correct names, addresses and ITIN years; the numbers appear only as their
    last four digits, and no form field holds them (they are excluded, not just hidden). A history
    row has no numbers, so reverting would pair an old routing number or last four with today's
    account: staff read the history, they do not roll it back."""

    list_display = [
        "legal_name_display",
        "student_email",
        "tin_type",
        "tin_masked",
        "complete",
        "itin_status_display",
        "payment_method",
        "updated_at",
    ]
    list_select_related = ["student"]
    list_filter = ["tin_type", ItinStatusFilter, "payment_method", SharedTinFilter]
    search_fields = [
        "legal_first_name",
        "legal_last_name",
        "student__email",
        "student__first_name",
        "student__last_name",
    ]
    exclude = ["tin", "tin_hash", "account_number", "routing_number"]
    readonly_fields = [
        "student",
        "tin_type",
        "tin_masked",
        "tin_updated_at",
        "itin_status_display",
        "payment_method",
        "routing_masked",
        "account_masked",
        "account_type",
        "bank_updated_at",
        "certified_name",
        "certified_at",
        "certified_ip",
        "certification_version",
        "created_at",
        "updated_at",
        "detached_at",
    ]
    fieldsets = [
        ("Person", {"fields": ["student", "legal_first_name", "legal_last_name", "detached_at"]}),
        ("Mailing address", {"fields": ["address_line1", "address_line2", "city", "state", "zip_code"]}),
        (
            "Taxpayer id",
            {
                "fields": [
                    "tin_type",
                    "tin_masked",
                    "tin_updated_at",
                    "itin_issued_year",
                    "itin_last_used_year",
                    "itin_status_display",
                ]
            },
        ),
        (
            "Payment",
            {"fields": ["payment_method", "routing_masked", "account_masked", "account_type", "bank_updated_at"]},
        ),
        (
            "Certification",
            {"fields": ["certified_name", "certified_at", "certified_ip", "certification_version"]},
        ),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="Legal name", ordering="legal_last_name")
    def legal_name_display(self, obj):
        return obj.legal_name

    @admin.display(description="Email", ordering="student__email")
    def student_email(self, obj):
        return obj.student.email if obj.student else "(account deleted)"

    @admin.display(description="Taxpayer id")
    def tin_masked(self, obj):
        return f"••••• {obj.tin_last4}" if obj.tin_last4 else "—"

    @admin.display(description="Routing number")
    def routing_masked(self, obj):
        return f"••••• {obj.routing_last4}" if obj.routing_number else "—"

    @admin.display(description="Account number")
    def account_masked(self, obj):
        return f"••••• {obj.account_last4}" if obj.account_last4 else "—"

    @admin.display(description="Complete", boolean=True)
    def complete(self, obj):
        return obj.is_complete

    @admin.display(description="ITIN status")
    def itin_status_display(self, obj):
        status = obj.itin_status()
        return "—" if status == ItinStatus.NONE else status.label

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Tax law keeps these records; a person's account deletion detaches them instead.
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


# Payouts, runs and exports register themselves.
from .payouts import admin as payouts_admin  # noqa: E402, F401
