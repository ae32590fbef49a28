"""Each user's keys for the JSON API (web/api.py): made here, shown once, revocable. A token acts
as its user, with their role; a disabled user's tokens stop working with them."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.extensions import db
from planner.models import ApiToken, audit, now
from planner.web.token_digest import digest

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")

TOKEN_START = "mp_"  # tells a Mesoplanner token apart in a configuration file
MAX_ACTIVE = 20  # [our default]: a few programs per person; more is a leak waiting to happen


def mine() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                                   .order_by(ApiToken.revoked_at.is_not(None),
                                             ApiToken.created_at.desc())))


@bp.route("", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The user's tokens, and the form to make one (the new token is shown on this page once)."""
    problems: dict[str, str] = {}
    made = None
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        active = [t for t in mine() if t.revoked_at is None]
        if not name or len(name) > 80:
            problems["name"] = _("Name the program that will use it (up to 80 characters).")
        elif len(active) >= MAX_ACTIVE:
            problems["name"] = _("You have %(n)d active tokens: revoke one first.", n=MAX_ACTIVE)
        else:
            made = TOKEN_START + secrets.token_urlsafe(32)
            token = ApiToken(user_id=current_user.id, name=name, token_hash=digest(made),
                             prefix=made[:10])
            db.session.add(token)
            db.session.flush()
            audit(current_user, "create", "api_token", token.id, name)
            db.session.commit()
    status = 422 if problems else 201 if made else 200
    return render_template("users/tokens.html", tokens=mine(), made=made,
                           problems=problems), status


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int) -> ResponseReturnValue:
    """Revoke one of one's own tokens: it stops working at once, and stays listed."""
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)  # someone else's token: as if it did not exist
    if token.revoked_at is None:
        token.revoked_at = now()
        audit(current_user, "revoke", "api_token", token.id, token.name)
        db.session.commit()
        flash(_("Token revoked."), "success")
    return redirect(url_for("tokens.index"), 303)
