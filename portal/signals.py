from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from .services import account_welcome


@receiver(email_confirmed, dispatch_uid="portal-welcome")
def send_welcome(request, email_address, **kwargs):
    account_welcome(user=email_address.user, email=email_address.email)
