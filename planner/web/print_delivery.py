"""A printout's PDF as the browser gets it: at once when the clinic has made it already, else a
page that shows its progress while the print worker makes it and opens it when it is ready.

The request only builds the printout's HTML (tens of milliseconds) and looks its digest up
(services/print_jobs.py): no web worker lays out a PDF, so a printout never holds up the
editor. A printout asked for again from the same inputs (the same plan, patient, day, language,
paper, clinic texts and code) is found by their key, without drawing its HTML again. With
``PRINTOUTS_INLINE`` set (the test configuration) the request makes a queued job itself, with
the print worker's own functions, and answers with the PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from planner.extensions import db
from planner.models import Printout, audit
from planner.services import print_jobs
from planner.services.print_progress import Progress

# How often the waiting page asks for the progress, in milliseconds [our default]: a sheet
# takes about a second, so its opening is late by a fifth of that at most.
POLL_MS = 400


def answer(kind: str, html: Callable[[], str], *, entity: str, entity_id: int | None,
           filename: str, detail: str, page_url: str, inputs: str | None = None
           ) -> ResponseReturnValue:
    """The PDF of the HTML ``html()`` makes if it is made, else the page that waits for it
    (202), or the page that says it could not be made. ``inputs`` is the key of everything the
    HTML is made from (print_jobs.inputs_key), if known: a PDF made from the same is sent
    without making the HTML again. ``detail`` is the audit event's (``sheet PDF, version 3``);
    ``page_url`` the printout as a page, which the browser can print instead. ``entity_id``
    None: a printout of no record (the calibration card, a "page"), kept as entity 0."""
    retry = request.args.get("retry") == "1"
    job = print_jobs.made_from(inputs) if inputs and not retry else None
    if job is None:
        job = print_jobs.ask(kind, html(), entity, entity_id or 0, retry=retry, inputs=inputs)
    if job.status == "queued" and current_app.config.get("PRINTOUTS_INLINE"):
        job_id = job.id
        db.session.commit()
        print_jobs.make_now(job_id)
        job = db.session.get_one(Printout, job_id)
    if job.status == "done":
        data = job.pdf
        audit(current_user, "print", entity, entity_id, detail)
        db.session.commit()
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{filename}"'})
    failed = job.status == "failed"
    audit(current_user, "print", entity, entity_id,
          f"{detail}, {'failed' if failed else 'being made'}")
    db.session.commit()
    pdf_url = request.path + (f"?{urlencode(asked)}" if (asked := {
        k: v for k, v in request.args.items() if k != "retry"}) else "")
    return render_template(
        "printouts/progress.html", job_id=job.id, heading=headings()[kind], failed=failed,
        pdf_url=pdf_url, retry_url=request.path + "?" + urlencode({**asked, "retry": "1"}),
        page_url=page_url, poll_ms=POLL_MS), 200 if failed else 202


def headings() -> dict[str, str]:
    """The waiting page's heading for each kind of printout."""
    return {"sheet": _("Preparing the treatment-room sheet…"),
            "stencil": _("Preparing the true-scale stencil…"),
            "handout": _("Preparing the aftercare handout…"),
            "report": _("Preparing the cycle report…"),
            "card": _("Preparing the calibration card…")}


def progress_words(progress: Progress) -> dict[str, object]:
    """The progress of a job as the waiting page's script shows it, in the reader's language:
    its state, the bar's fraction and two lines of words. No patient data."""
    elapsed = format_decimal(round(progress.elapsed_s, 1), format="0.0")
    expected = format_decimal(round(progress.expected_s, 1), format="0.0")
    if progress.stalled:
        words = _("No print worker seems to be running, so the PDF cannot be made now. Tell "
                  "the administrator (the command is “mesoplanner print-worker”), or print "
                  "the page from the browser instead.")
    elif progress.state == "queued" and progress.ahead:
        words = ngettext("Waiting: %(num)d printout to be made before this one.",
                         "Waiting: %(num)d printouts to be made before this one.",
                         progress.ahead)
    elif progress.state == "queued":
        words = _("Waiting for the print worker…")
    elif progress.state == "making":
        words = _("Laying out the pages…")
    elif progress.state == "done":
        words = _("Ready: opening the PDF…")
    else:
        words = _("The PDF could not be made.")
    return {"state": progress.state, "stalled": progress.stalled,
            "fraction": round(progress.fraction, 3), "words": str(words),
            "time": str(_("%(elapsed)s s so far; laying out a printout like this takes "
                          "about %(expected)s s.", elapsed=elapsed, expected=expected))}
