from flask import render_template, request

from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.outbox import bp, services
from portal.outbox.models import MessageStatus


@bp.get("/")
@role_required(Role.OFFICER, Role.ADMIN)
def index():
    status = request.args.get("status")
    if status not in {s.value for s in MessageStatus}:
        status = None
    return render_template(
        "outbox/index.html", counts=services.status_counts(), status=status, messages=services.recent_messages(status)
    )
