"""The demo council's past newsletters: five monthly safety bulletins and one safety notice.

Every issue is already sent, dated back from the day the demo loads, so the archive and the home page have
something to show whenever it is loaded. The text names no season or month, because the dates move. People,
incidents and organisations are invented; phone numbers come only from the ranges Ofcom keeps for drama, and
match the demo directory's entries.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from portal.accounts.models import User
from portal.common.time import COUNCIL_TZ
from portal.extensions import db
from portal.newsletters import audience, rendering
from portal.newsletters.models import Audience, Channel, IssueStatus, NewsletterIssue
from portal.training.status import add_months

BULLETIN = "Northshire Members' Safety Bulletin"
LATEST_BULLETIN_DAYS_AGO = 4  # the newest bulletin went out a few days before the demo loads
SAFETY_NOTICE_DAYS_AGO = 11
DRAFTING_DAYS = 2  # how long before sending each issue was started


@dataclass(frozen=True)
class DemoIssue:
    subject: str
    summary: str
    markdown: str
    months_ago: int = 0  # bulletins: counted back monthly from the newest
    channel: Channel = Channel.NEWSLETTER
    author: str = "champion"


BULLETINS = [
    DemoIssue(
        months_ago=4,
        subject=f"{BULLETIN}: welcome, and this term's safety training",
        summary="Why this bulletin exists, the personal safety and de-escalation sessions coming up, and who to "
        "call when something goes wrong.",
        markdown="""\
# Welcome to the bulletin

This is the first issue of a short monthly round-up for every member of Northshire District Council. It
will tell you what training is on, what has changed in the support available to you, and what we have
learned from things that happened to colleagues. It is written by your safety champions, not by the press
office.

## Training this term

- **Personal safety and risk assessment** (mandatory, a half-day workshop run with the police). Covers ward
  surgeries, home visits and travelling to evening meetings.
- **Conflict de-escalation**: a practical session on calming a heated conversation at a surgery or on the
  doorstep before it turns into something worse.
- **Using your lone-worker alarm**: fifteen minutes at the civic centre, or by video call.

Book through member development on 01632 960105. Your training page in the portal shows what you have done
and what is due.

## Who to call

- In an emergency, or if you are in danger now: **999**.
- Outside office hours, for anything urgent to do with council business: the out-of-hours line,
  01632 960999.
- To talk something through in confidence, any time: the employee assistance programme, 01632 960200
  (quote NDC-MEMBERS). The council is never told who called.

Priya Patel, Councillor Safety Champion
""",
    ),
    DemoIssue(
        months_ago=3,
        subject=f"{BULLETIN}: a new police contact for councillors",
        summary="PS Dan Kerrigan is now our single point of contact at Northshire Police, with PC Leah Osei as "
        "deputy. What to tell them and how to reach them.",
        markdown="""\
# A new single point of contact at Northshire Police

PS Dan Kerrigan has taken over as the police single point of contact for elected members, with PC Leah
Osei as his deputy. They replace the previous arrangement where each ward dealt with its own
neighbourhood team.

## What to tell them

- threats, whether in person, by phone, by letter or online;
- messages that are not threatening on their own but keep coming;
- anyone who turns up repeatedly at your surgeries or your home;
- worries about a public meeting or event you are going to.

You do not need to be sure that a crime has happened. They would rather hear about something small early.

## How to reach them

- Direct line, weekdays 8am to 6pm: 01632 960500
- Duty mobile, weekdays: 07700 900500
- Email: [members.liaison@northshirepolice.example](mailto:members.liaison@northshirepolice.example)

Outside those hours use the council's out-of-hours line (01632 960999), and in an emergency always call 999.
The same details are on the "Need help now?" page, linked from the top of every page of the portal.
""",
    ),
    DemoIssue(
        months_ago=2,
        subject=f"{BULLETIN}: what we learned from two recent incidents",
        summary="A member followed to their car after a surgery, and a venue with one way out. What went well, "
        "what we have changed, and a tip about photos.",
        markdown="""\
# Learning from recent incidents

Two members agreed that we could share what happened to them, with the details changed so that neither
can be identified. Thank you to both.

## Followed after a surgery

A resident who had been turned away at the end of a busy surgery waited outside and followed the
councillor to the car park, shouting. The councillor got into the car, locked the doors and drove to a
busy petrol station before calling the police.

What helped: parking close to the entrance, and telling a family member when the surgery would end.
What we have changed: surgeries in the evening now finish with two people leaving together, and member
services will find you a companion if you have no one.

## A venue with one way out

A meeting room in a community hall had a single door, behind the visitor's chair. Nothing happened, but
the member realised afterwards how trapped they would have been.

Ask facilities to check any venue before you use it: 01632 960180, at least two weeks ahead. They look at
exits, phone signal and who else will be in the building.

## Tip of the month: photos give away more than you think

Before you post a picture from home, check the background for your house number, street sign or car
registration, and turn off location tagging on your phone's camera.
""",
    ),
    DemoIssue(
        months_ago=1,
        subject=f"{BULLETIN}: keeping records of online abuse",
        summary="How to collect evidence of abusive posts so that platforms and the police can act, plus the "
        "social media e-learning and a new advice line.",
        markdown="""\
# Online abuse: keep a record before you block

Blocking someone feels like the right thing to do, and often it is. But do it **after** you have kept a
record, because a blocked account's posts can be hard to find again.

## A good record

1. A screenshot that shows the post, the account name and the date.
2. The web address of the post and of the account.
3. A short note of how it made you feel and whether it has stopped you doing anything, such as attending
   an event. This matters if the police decide to act.

Keep everything in one folder. If it is too much to look at, ask a colleague or the communications team to
do it for you.

## Muting, restricting, blocking

Muting hides someone's posts from you without them knowing. Restricting (where a platform offers it)
hides their replies from everyone else. Blocking stops them seeing your posts. Use whichever lets you keep
working; none of them stops you reporting.

## Help with reporting

The online abuse advice line (01632 960710, weekdays 10am to 4pm) will help you report posts and chase
platforms that have not replied. The **Social media and digital citizenship** e-learning takes about an
hour and counts towards your training record.
""",
    ),
    DemoIssue(
        months_ago=0,
        subject=f"{BULLETIN}: support is there when you need it",
        summary="A reminder of the confidential support open to every member, the peer support network, and "
        "refresher training falling due.",
        markdown="""\
# Support is there when you need it

Several members have told us that they only found out about the help available after a bad week. So here it
is in one place.

## To talk to someone

- **Employee assistance programme**, open all day, every day: 01632 960200 (textphone 01632 960201).
  Counselling and practical advice for you and your household. Quote NDC-MEMBERS.
- **Councillors' peer support network**: councillors from every group who have been through something
  similar. Call the coordinator on 07700 900410, most weekday evenings.
- **Your safety champions**: Priya Patel and Helen Ashdown. Their profiles on the portal's home page say
  how and when to reach them.

## After a frightening incident

The critical incident line (01632 960205) arranges support within a day, and the police contact
(01632 960500) will help you decide what to report.

## Refreshers falling due

Personal safety training is valid for two years. If yours is due soon, your training page in the portal
says so; member development (01632 960105) can book you on the next workshop.

If you missed our recent safety notice about callers asking for home addresses, it is in the newsletter
archive.
""",
    ),
]

SAFETY_NOTICE = DemoIssue(
    channel=Channel.SAFETY_NOTICE,
    author="helen.ashdown",
    subject="Safety notice: callers asking for your home address or your movements",
    summary="Several members have had calls from people claiming to be from the council or a newspaper, asking "
    "where they live or when they will be at home. Do not confirm anything.",
    markdown="""\
# Callers asking where you live

Over the past week, four members have had phone calls or messages from someone who said they were:

- a researcher "updating the council's records";
- a journalist checking an address for a story; or
- a courier with a parcel that needed a delivery address.

Each time the caller asked for a home address, or when the member would next be at home. The council has
not asked anyone to make these calls, and the police are aware.

## What to do

1. **Do not confirm** your address, your routine or who lives with you, even if the caller already seems to
   know some of it.
2. Ask for their name, organisation and a number to call back, then end the call.
3. Check with member services on 01632 960100 whether the request is genuine.
4. Tell the police contact, PS Dan Kerrigan, on 01632 960500 (duty mobile 07700 900500), with the time of
   the call and the number it came from.
5. If someone turns up at your home and you feel unsafe, call **999**.

## Keeping your address private

Electoral services (01632 960130) can explain how to keep your home address off the published register and
off the council's website. Your champions can help you with the forms.

This is a safety notice, so it reaches every member whatever their newsletter settings.
""",
)


def _sent_at(day: date, at: time) -> datetime:
    """A local time on `day` as the naive UTC datetime the database stores."""
    return datetime.combine(day, at, tzinfo=COUNCIL_TZ).astimezone(UTC).replace(tzinfo=None)


def _add_issue(item: DemoIssue, sent_at: datetime, people: dict[str, User]) -> NewsletterIssue:
    rendered = rendering.render(item.markdown)
    issue_audience = Audience.ALL_COUNCILLORS
    author = people[item.author]
    issue = NewsletterIssue(
        subject=item.subject,
        summary=item.summary,
        body_markdown=item.markdown,
        body_html=rendered.html,
        body_text=rendered.text,
        channel=item.channel,
        audience=issue_audience,
        audience_values=[],
        status=IssueStatus.SENT,
        author_id=author.id,
        sent_by_id=author.id,
        created_at=sent_at - timedelta(days=DRAFTING_DAYS),
        updated_at=sent_at,
        sent_at=sent_at,
        recipient_count=len(audience.recipients(issue_audience, [], item.channel)),
    )
    db.session.add(issue)
    return issue


def load_newsletters(people: dict[str, User], today: date | None = None) -> list[NewsletterIssue]:
    """Add the sent bulletins and the safety notice in the caller's transaction; returns them, oldest first.

    Recipient counts are those the audience would have today; no outbox messages are made for past issues.
    """
    today = today or date.today()
    newest = today - timedelta(days=LATEST_BULLETIN_DAYS_AGO)
    dated = [(_sent_at(add_months(newest, -item.months_ago), time(9, 30)), item) for item in BULLETINS]
    dated.append((_sent_at(today - timedelta(days=SAFETY_NOTICE_DAYS_AGO), time(16, 15)), SAFETY_NOTICE))
    issues = [_add_issue(item, sent_at, people) for sent_at, item in sorted(dated, key=lambda pair: pair[0])]
    db.session.flush()
    return issues
