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


# The rest of the council's 37 councillors: accounts that make survey results, the training matrix and
# newsletter audiences look like a real council's. They share the demo password but are not listed.
_FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Carys",
    "Daniel",
    "Eleanor",
    "Farid",
    "Grace",
    "Harry",
    "Imogen",
    "Jamal",
    "Kate",
    "Liam",
    "Maya",
    "Nathan",
    "Owen",
    "Phoebe",
    "Rhys",
    "Sophie",
    "Tom",
    "Una",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zara",
    "Aled",
    "Bethan",
    "Callum",
    "Delyth",
    "Ewan",
    "Fiona",
]
_SURNAMES = [
    "Abbott",
    "Bryant",
    "Carver",
    "Doyle",
    "Ellis",
    "Fenwick",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jennings",
    "Kerr",
    "Lowe",
    "Mistry",
    "Nolan",
    "Osei",
    "Price",
    "Quinn",
    "Rowe",
    "Shah",
    "Thorne",
    "Underwood",
    "Vaughan",
    "Walsh",
    "Yates",
    "Ahmed",
    "Barker",
    "Chadwick",
    "Dunn",
    "Emery",
    "Foster",
]
_WARDS = ["Abbey", "Castle", "Harbour", "Market Hill", "Riverside", "Moorland", "Northgate", "Southfields"]
_GROUPS = ["Northshire Alliance", "Labour", "Liberal Democrats", "Green Party", "Independent"]
_ELECTED = [date(2011, 5, 5), date(2015, 5, 7), date(2019, 5, 2), date(2023, 5, 4), date(2026, 5, 7)]
OTHER_COUNCILLORS = [
    (
        f"{first} {surname}",
        f"{first.lower()}.{surname.lower()}",
        _WARDS[index % len(_WARDS)],
        _GROUPS[index % len(_GROUPS)],
        _ELECTED[(index * 3) % len(_ELECTED)],
    )
    for index, (first, surname) in enumerate(zip(_FIRST_NAMES, _SURNAMES, strict=True))
]


def email_for(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"
