"""The demo council's training: the toolkit's course list plus two of its own, and a year of records.

Completion dates count back from the day the demo loads (or from a member's election), so that whenever it
is loaded some courses are valid, some due soon and some expired. Providers other than the LGA are invented;
links use the reserved .example domain.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from portal.accounts.models import User
from portal.training import services
from portal.training.models import CourseCategory, CourseFormat

IN_HOUSE = "Northshire District Council"
LGA = "Local Government Association (LGA) e-learning"

PERSONAL_SAFETY = "Personal safety and risk assessment"
SOCIAL_MEDIA = "Social media and digital citizenship"
COMMUNICATIONS = "Communications and healthy debate"
EMOTIONAL_INTELLIGENCE = "Emotional intelligence"
DE_ESCALATION = "Conflict de-escalation"
CODE_OF_CONDUCT = "Code of conduct"
INDUCTION = "New member induction"
LONE_WORKING = "Using your lone-worker alarm"

COURSES = [
    services.CourseInput(
        title=PERSONAL_SAFETY,
        category=CourseCategory.PERSONAL_SAFETY,
        description="Spotting risk before it grows: ward surgeries, home visits, travel and what to do when "
        "something feels wrong. Run with the police single point of contact.",
        provider=f"{IN_HOUSE}, health and safety team",
        link="https://learning.northshire.example/personal-safety",
        format=CourseFormat.WORKSHOP,
        mandatory=True,
        refresher_months=24,
    ),
    services.CourseInput(
        title=SOCIAL_MEDIA,
        category=CourseCategory.SOCIAL_MEDIA,
        description="Using social media well and safely: privacy settings, handling hostile replies, blocking "
        "and reporting, and staying within the code of conduct online.",
        provider=LGA,
        link="https://elearning.lga.example/social-media",
        format=CourseFormat.E_LEARNING,
        refresher_months=24,
    ),
    services.CourseInput(
        title=COMMUNICATIONS,
        category=CourseCategory.COMMUNICATIONS,
        description="Disagreeing well in public: setting the tone of a debate, answering residents on contested "
        "issues, and keeping criticism about policy rather than people.",
        provider=f"{IN_HOUSE}, communications team",
        link="https://learning.northshire.example/healthy-debate",
        format=CourseFormat.WEBINAR,
        refresher_months=36,
    ),
    services.CourseInput(
        title=EMOTIONAL_INTELLIGENCE,
        category=CourseCategory.EMOTIONAL_INTELLIGENCE,
        description="Noticing your own reactions and other people's, so that tense conversations can be "
        "anticipated and steered before they boil over.",
        provider=LGA,
        link="https://elearning.lga.example/emotional-intelligence",
        format=CourseFormat.E_LEARNING,
    ),
    services.CourseInput(
        title=DE_ESCALATION,
        category=CourseCategory.DE_ESCALATION,
        description="Practical ways to calm a confrontation in person or on the phone, and when to step away "
        "and get help.",
        provider=f"{IN_HOUSE}, health and safety team",
        link="https://learning.northshire.example/de-escalation",
        format=CourseFormat.WORKSHOP,
        mandatory=True,
        refresher_months=24,
    ),
    services.CourseInput(
        title=CODE_OF_CONDUCT,
        category=CourseCategory.CODE_OF_CONDUCT,
        description="The members' code of conduct, declaring interests, and how complaints are handled. New "
        "members take it within two months of election; everyone refreshes it each year.",
        provider=f"{IN_HOUSE}, monitoring officer",
        link="https://learning.northshire.example/code-of-conduct",
        format=CourseFormat.BRIEFING,
        mandatory=True,
        refresher_months=12,
        due_within_months_of_election=2,
    ),
    services.CourseInput(
        title=INDUCTION,
        category=CourseCategory.COUNCIL_OWN,
        description="How the council works, who does what in member services, and where to find support.",
        provider=f"{IN_HOUSE}, member services",
        link="https://learning.northshire.example/induction",
        format=CourseFormat.BRIEFING,
        mandatory=True,
        due_within_months_of_election=3,
    ),
    services.CourseInput(
        title=LONE_WORKING,
        category=CourseCategory.COUNCIL_OWN,
        description="Setting up and testing the lone-worker app or alarm, and what happens when you raise it.",
        provider=f"{IN_HOUSE}, health and safety team",
        format=CourseFormat.ONE_TO_ONE,
        refresher_months=12,
    ),
]


@dataclass(frozen=True)
class Done:
    """A completion `days_ago` before the demo loads, or `after_election` days after the member's election."""

    course: str
    days_ago: int | None = None
    after_election: int | None = None
    note: str = ""

    def on(self, member: User, today: date) -> date | None:
        """The completion date, or None where it would fall in the future (a member elected very recently)."""
        if self.after_election is None:
            return today - timedelta(days=self.days_ago)
        if member.date_elected is None:
            return None
        completed_on = member.date_elected + timedelta(days=self.after_election)
        return completed_on if completed_on <= today else None


CIVIC_CENTRE = "Session at the Civic Centre"

# Demo members (by the local part of their email) and what they have done. With the default 60-day window,
# a 24-month course taken about 700 days ago is due soon and one taken 780 days ago has expired; for a
# 12-month course, about 330 and 400 days.
COMPLETIONS = {
    "champion": [
        Done(INDUCTION, after_election=21),
        Done(PERSONAL_SAFETY, days_ago=820, note=CIVIC_CENTRE),
        Done(PERSONAL_SAFETY, days_ago=95, note=CIVIC_CENTRE),
        Done(SOCIAL_MEDIA, days_ago=210),
        Done(COMMUNICATIONS, days_ago=150),
        Done(EMOTIONAL_INTELLIGENCE, days_ago=300),
        Done(DE_ESCALATION, days_ago=120, note=CIVIC_CENTRE),
        Done(CODE_OF_CONDUCT, days_ago=335),
        Done(LONE_WORKING, days_ago=60),
    ],
    "councillor": [
        Done(INDUCTION, after_election=18),
        Done(PERSONAL_SAFETY, days_ago=700, note="Evening session, Market Hill library"),
        Done(CODE_OF_CONDUCT, days_ago=410),
        Done(SOCIAL_MEDIA, days_ago=100),
        Done(DE_ESCALATION, days_ago=200),
    ],
    "morgan.evans": [
        Done(INDUCTION, after_election=25),
        Done(CODE_OF_CONDUCT, days_ago=45),
        Done(PERSONAL_SAFETY, days_ago=780),
        Done(SOCIAL_MEDIA, days_ago=690),
        Done(COMMUNICATIONS, days_ago=250),
    ],
    "sam.okafor": [
        Done(INDUCTION, after_election=14),
        Done(CODE_OF_CONDUCT, days_ago=385),
        Done(EMOTIONAL_INTELLIGENCE, days_ago=500),
        Done(DE_ESCALATION, days_ago=760, note=CIVIC_CENTRE),
        Done(PERSONAL_SAFETY, days_ago=30, note=CIVIC_CENTRE),
        Done(LONE_WORKING, days_ago=340, note="Alarm issued and tested"),
    ],
    "jo.whitfield": [
        Done(INDUCTION, after_election=10),
        Done(CODE_OF_CONDUCT, after_election=40, note="New members' briefing"),
        Done(PERSONAL_SAFETY, after_election=60, note=CIVIC_CENTRE),
        Done(SOCIAL_MEDIA, days_ago=20),
    ],
    "ruth.lindqvist": [
        Done(INDUCTION, after_election=30),
        Done(COMMUNICATIONS, days_ago=20),
        Done(SOCIAL_MEDIA, days_ago=320),
        Done(CODE_OF_CONDUCT, days_ago=200),
        Done(PERSONAL_SAFETY, days_ago=710),
        Done(DE_ESCALATION, days_ago=800),
    ],
    "dev.malhotra": [
        Done(INDUCTION, after_election=12),
        Done(CODE_OF_CONDUCT, days_ago=100),
        Done(DE_ESCALATION, days_ago=40, note=CIVIC_CENTRE),
        Done(EMOTIONAL_INTELLIGENCE, days_ago=180),
        Done(PERSONAL_SAFETY, days_ago=60, note=CIVIC_CENTRE),
    ],
}


def _records_of_the_rest_of_the_council() -> dict[str, list[Done]]:
    """Induction and the code of conduct for everyone else, with safety courses for most, spread over time."""
    from portal.demo.data import OTHER_COUNCILLORS

    records = {}
    for index, (_, local_part, *_) in enumerate(OTHER_COUNCILLORS):
        done = [Done(INDUCTION, after_election=10 + index % 20), Done(CODE_OF_CONDUCT, days_ago=20 + index * 23 % 500)]
        if index % 3:
            done.append(Done(PERSONAL_SAFETY, days_ago=15 + index * 47 % 820))
        if index % 4 == 1:
            done.append(Done(SOCIAL_MEDIA, days_ago=30 + index * 31 % 700))
        records[local_part] = done
    return records


COMPLETIONS.update(_records_of_the_rest_of_the_council())


def load_training(members: dict[str, User], today: date | None = None) -> int:
    """Create the demo courses and record the demo completions in the caller's transaction; returns how many."""
    today = today or date.today()
    courses = {data.title: services.create_course(data, by=None) for data in COURSES}
    recorded = 0
    for local_part, done in COMPLETIONS.items():
        member = members[local_part]
        for item in done:
            completed_on = item.on(member, today)
            if completed_on is not None:
                services.record_completion(member, courses[item.course], completed_on, item.note, by=None)
                recorded += 1
    return recorded
