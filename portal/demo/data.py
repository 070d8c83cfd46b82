"""Who is in the demo council. Names, wards and addresses are invented."""

from datetime import date

from portal.accounts.models import Role

COUNCIL_NAME = "Northshire District Council"
DEMO_PASSWORD = "northshire demo portal"  # noqa: S105 (the published demo password)  # nosec B105
DEMO_DOMAIN = "northshire.example"

# (name, local part of the email, roles, ward, political group, date elected)
PEOPLE = [
    ("Alex Admin", "admin", {Role.ADMIN}, None, None, None),
    ("Olu Officer", "officer", {Role.OFFICER}, None, None, None),
    ("Priya Patel", "champion", {Role.COUNCILLOR, Role.CHAMPION}, "Riverside", "Independent", date(2019, 5, 2)),
    ("Chris Councillor", "councillor", {Role.COUNCILLOR}, "Market Hill", "Northshire Alliance", date(2023, 5, 4)),
    ("Morgan Evans", "morgan.evans", {Role.COUNCILLOR}, "Abbey", "Green Party", date(2023, 5, 4)),
    ("Sam Okafor", "sam.okafor", {Role.COUNCILLOR}, "Castle", "Northshire Alliance", date(2015, 5, 7)),
    ("Jo Whitfield", "jo.whitfield", {Role.COUNCILLOR}, "Harbour", "Independent", date(2026, 5, 7)),
    ("Ruth Lindqvist", "ruth.lindqvist", {Role.COUNCILLOR}, "Abbey", "Liberal Democrats", date(2019, 5, 2)),
    ("Dev Malhotra", "dev.malhotra", {Role.COUNCILLOR, Role.OFFICER}, "Castle", "Labour", date(2023, 5, 4)),
    ("Helen Ashdown", "helen.ashdown", {Role.OFFICER, Role.CHAMPION}, None, None, None),
]

# (local part, title, remit, how to contact, when to contact), in the order shown on the home page
CHAMPIONS = [
    (
        "champion",
        "Councillor Safety Champion",
        "Speaks up for members' safety on the council, makes sure every councillor knows where to turn after "
        "abuse or a threat, and raises patterns she hears about with the leader and chief executive.",
        "Email champion@northshire.example or ask member services to arrange a call. "
        "Conversations are confidential unless someone is at risk of harm.",
        "Any time something has left you feeling unsafe, or you want a second opinion before a difficult event.",
    ),
    (
        "helen.ashdown",
        "Officer Wellbeing Champion",
        "Makes sure the council's support for members works in practice: the assistance programme, counselling, "
        "lone-working equipment and security at surgeries and meetings.",
        "Email helen.ashdown@northshire.example or call member services on 01632 960100.",
        "Weekdays in office hours; outside them, use the council's out-of-hours line.",
    ),
]


def email_for(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"
