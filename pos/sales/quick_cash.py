"""The cash a customer is likely to hand over for a total: what the cash dialog offers on a key each.

A cashier counts in notes: for £140 the customer hands over £150, £160 or £200, not £145; for
£7.50 a £10 or a £20 note. So the choices are the total rounded up to the next £10, £20, £50 and
£100 (and £5 below £20), strictly above the total (the exact amount is its own choice), and no
more than twice the total or £20 over it, whichever is more (and never more change than the till
gives). At most three, smallest first.
"""

from __future__ import annotations

from common.limits import MAX_CHANGE_PENCE

NOTE_STEPS_PENCE = (500, 1000, 2000, 5000, 10000)
SMALL_TOTAL_PENCE = 2000  # below this, a £5 note is a likely choice too
MAX_CHOICES = 3


def likely_cash(total_pence: int) -> tuple[int, ...]:
    """Amounts in pence, above `total_pence`, that a customer is likely to hand over in notes."""
    if total_pence <= 0:
        return ()
    ceiling = total_pence + min(max(total_pence, 2000), MAX_CHANGE_PENCE)
    choices = {
        (total_pence // step + 1) * step
        for step in NOTE_STEPS_PENCE
        if step > 500 or total_pence < SMALL_TOTAL_PENCE
    }
    return tuple(sorted(amount for amount in choices if amount <= ceiling))[:MAX_CHOICES]
