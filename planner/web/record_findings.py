"""The safety findings a session record was signed over, kept with the record.

Each finding is kept as its message (template and values: what was found, for a program) and
as its text in every language at the moment of signing: what the doctors read is fixed like
the rest of the signed record, and a later change of wording or translation leaves it as it
was. Records signed before this kept English lines, shown as they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from flask_babel import force_locale

from planner.core.checklist import Finding
from planner.core.messages import message_from_data, message_to_data
from planner.vocabulary import LANGUAGES
from planner.web.i18n import current_locale, plan_message


def stored_findings(findings: Sequence[Finding]) -> str:
    """The findings a record is signed over, as kept with it: each as its message (template and
    values: what was found, for a program) and as its text in every language at the moment of
    signing (what the doctors read, fixed like the rest of the signed record: a later change
    of wording or translation leaves it as it was)."""
    kept = []
    for finding in findings:
        texts = {}
        for language in LANGUAGES:
            with force_locale(language):
                texts[language] = plan_message(finding.text)
        kept.append({"code": finding.code, "message": message_to_data(finding.text),
                     "text": texts})
    return json.dumps(kept, ensure_ascii=False)


def override_lines(stored: str) -> list[str]:
    """The findings a signed record was signed over, in the reader's language as kept at
    signing (else in English, else from the message); records signed before the findings were
    kept so hold English lines, shown as they are."""
    try:
        data = json.loads(stored)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, list):
        return [line for line in stored.splitlines() if line.strip()]
    return [_finding_line(item) for item in data]


def _finding_line(item: object) -> str:
    texts = item.get("text") if isinstance(item, dict) else None
    if isinstance(texts, dict):
        for language in (current_locale(), "en"):
            if isinstance(texts.get(language), str):
                return str(texts[language])
    try:  # no text kept: the message itself (or a bare message, as kept at first)
        return plan_message(message_from_data(item.get("message", item) if isinstance(item, dict)
                                              else item))
    except (ValueError, ArithmeticError, TypeError, KeyError, RecursionError):
        return json.dumps(item, ensure_ascii=False)[:500]  # shown, never lost
