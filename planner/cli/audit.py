"""``mesoplanner audit verify``: the audit trail's hash chain walked from its first event to its
end, and where it breaks said."""

from __future__ import annotations

import argparse

from planner.cli.data_folder import add_data_dir_option, app
from planner.cli.usage import EXIT_BROKEN


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    trail = sub.add_parser("audit", help="check the audit trail",
                           description="The audit trail, from the command line.")
    trail_sub = trail.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = trail_sub.add_parser(
        "verify", help="check that no audit event was changed, removed or slipped in",
        description="Walk the audit trail's hash chain from its first event to its end. Exit "
                    "0 when it is intact, 1 with the event where it breaks.")
    add_data_dir_option(verify)
    verify.set_defaults(run=verify_chain)


def verify_chain(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from planner.audit_chain import END, verify
    from planner.extensions import db
    from planner.models import AuditEvent, AuditHead

    web = app(args)
    with web.app_context():
        head = db.session.get(AuditHead, 1)
        unchained, first_unchained = db.session.execute(
            select(func.count(), func.min(AuditEvent.id)).where(AuditEvent.seq.is_(None))).one()
        # Streamed: a server-side cursor on PostgreSQL, a few hundred rows at a time.
        events = db.session.execute(
            select(AuditEvent).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq)
            .execution_options(yield_per=500)).scalars()
        try:
            verdict = verify(events, head.seq if head else None,
                             head.last_hash if head else None)
        finally:
            events.close()
        db.session.rollback()
        db.engine.dispose()
    problems = []
    if verdict.broken_at == END:
        problems.append(f"audit trail broken at its end: {verdict.reason}")
    elif verdict.broken_at is not None:
        problems.append(f"audit trail broken at event {verdict.broken_at}: {verdict.reason}; "
                        f"the {verdict.events} events before it are intact")
    elif head is None and verdict.events:
        problems.append("audit trail broken at its end: the record of the chain's end "
                        "(audit_head) is missing")
    if unchained:
        problems.append(f"audit trail broken at event {first_unchained}: it has no place in "
                        f"the chain (no sequence number; {unchained} such events in all)")
    if problems:
        print("\n".join(problems))
        return EXIT_BROKEN
    print(f"audit trail intact: {verdict.events} events, last hash {verdict.last_hash}")
    return 0
