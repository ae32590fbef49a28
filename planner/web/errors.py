"""Every HTTP error of the web pages as a page in the user's language (Werkzeug's own pages
are English): what happened, and that nothing was saved. The API answers JSON (web/api.py)."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from planner.extensions import db


def words(exc: HTTPException) -> tuple[str, str]:
    """The heading and the message of an error, translated."""
    status = exc.code or 500
    if isinstance(exc, CSRFError):
        return _("Form expired"), _(
            "The form's security token is missing or out of date (the page was open too long, "
            "or you logged in again in another window). Nothing was saved: go back, reload the "
            "page and send it again.")
    if status == 413:
        # The request's own limit: a photo's upload takes more than the other forms.
        limit = (request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]) \
            // (1024 * 1024)
        return _("Not accepted"), _(
            "What was sent is larger than %(mb)d MB, the most this app accepts at once: nothing "
            "was saved. (A plan file is a few kilobytes.)", mb=limit)
    known = {
        400: (_("Not accepted"), _("The request could not be read. Nothing was saved: go back, "
                                   "reload the page and try again.")),
        403: (_("Not allowed"), _("Your account cannot open this page.")),
        404: (_("Not found"), _("This page or record does not exist, or no longer does. Check "
                                "the address, or start again from the patients.")),
        405: (_("Not accepted"), _("This page cannot be opened this way. Go back and use the "
                                   "page's own buttons.")),
        409: (_("Changed meanwhile"), _("This was changed meanwhile, or can no longer change. "
                                        "Nothing was saved: reload the page.")),
        429: (_("Too many requests"), _("Too many requests in a short time. Wait a minute, "
                                        "then try again.")),
    }
    if status in known:
        return known[status]
    if status >= 500:
        return _("Something went wrong"), _(
            "An unexpected error stopped this request, and what it was saving was not saved. "
            "The error was recorded for the administrator. Reload the page, or try again "
            "later.")
    return _("Not accepted"), _("The request was not accepted (error %(status)d). Nothing was "
                                "saved.", status=status)


def page(exc: HTTPException) -> ResponseReturnValue:
    """The error's page, or for an htmx request the message alone (it is swapped in place)."""
    status = exc.code or 500
    heading, message = words(exc)
    if status >= 500:
        db.session.rollback()  # a half-made change is never written by a later commit
    if request.headers.get("HX-Request"):
        return f'<p class="error" role="alert" data-testid="error">{escape(message)}</p>', status
    try:
        return render_template("error.html", heading=heading, message=message), status
    except Exception:  # the page itself failed (a database gone): the words alone
        current_app.logger.exception("the error page could not be rendered")
        return f"{escape(heading)}: {escape(message)}", status, {
            "Content-Type": "text/plain; charset=utf-8"}
