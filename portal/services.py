from .outbox import outbox_enqueue


def account_welcome(*, user, email):
    """Once an address is confirmed, tell the person what to do next (once per address)."""
    return outbox_enqueue(kind="welcome", obj=user, recipient=email, template="welcome", context={"user": user})
