"""What happens to payouts that later apps react to (they may not be imported from here)."""

from django.dispatch import Signal

# Sent inside the transaction that marks a payout paid: ``payout`` and ``by``. Applications moves
# the engagement to "paid".
payout_paid = Signal()
