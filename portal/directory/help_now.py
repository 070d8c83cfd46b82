"""The "Need help now?" box as the home page and the help-now page show it.

Both pages show it on every request, and what it says changes only with the directory or the minute (opening
times are whole minutes), so each worker keeps it rendered under the directory's version and the minute.
"""

from datetime import datetime

from markupsafe import Markup

from portal.common.fragments import render_fragment
from portal.directory import hours, services, version


def help_now_box() -> Markup:
    known = version.current()  # read first, so that the box rendered below is at least this new
    minute = hours.this_minute()
    return version.kept(known, ("help-now", minute), lambda: _render(minute))


def _render(minute: datetime) -> Markup:
    return render_fragment("directory/_help_now.html", help_now=services.help_now(minute))
