"""The waits after wrong passwords: a login, or a doctor's password confirming a signature,
waits longer after each failure lately for the username or from the address (web/auth.py,
web/records.py)."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import delete, func, select

from planner.extensions import db
from planner.models import LoginFailure, now

# [our default] (in the spirit of OWASP's authentication advice, "Account lockout": delays
# rather than lockouts, which a stranger could use to lock a clinic out): counted over 15
# minutes, after 3 wrong passwords for one username the next login there waits 1 s, then 2, 4...
# up to a minute; after 10 from one address, every login from it waits 1 s, 2, 4... up to 30 s.
# A success clears the username's count; `mesoplanner unlock`, on the server's machine, clears
# any (no address is exempt: behind a proxy set up without MESOPLANNER_BEHIND_PROXY, every
# client would look local).
FAILURE_WINDOW = timedelta(minutes=15)
FREE_FAILURES_PER_USER = 3
MAX_WAIT_PER_USER_S = 60
FREE_FAILURES_PER_ADDRESS = 10
MAX_WAIT_PER_ADDRESS_S = 30


def wait_seconds(username: str, address: str) -> int:
    """How long this login must wait after the failures lately for this username and from this
    address: growing delays, never a lockout (a clinic behind one address cannot be locked out
    by a stranger's guesses: at worst a minute, and ``mesoplanner unlock`` on the server's
    machine clears it at once)."""
    since = now() - FAILURE_WINDOW
    waits = []
    for column, value, free, cap in (
            (LoginFailure.username, username, FREE_FAILURES_PER_USER, MAX_WAIT_PER_USER_S),
            (LoginFailure.address, address, FREE_FAILURES_PER_ADDRESS, MAX_WAIT_PER_ADDRESS_S)):
        count, last = db.session.execute(select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.at >= since, column == value)).one()
        if count >= free and last is not None:
            delay = min(2 ** (count - free), cap)
            waits.append(delay - (now() - last).total_seconds())
    return int(max([0, *(math.ceil(w) for w in waits)]))


def failed(username: str, address: str) -> None:
    """Count a wrong password for ``username`` from ``address`` (committed by the caller)."""
    # The failures past the window count no more: forgotten (the trail keeps them).
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now() - FAILURE_WINDOW))
    db.session.add(LoginFailure(username=username, address=address))
