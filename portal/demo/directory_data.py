"""The demo council's support directory. Every organisation, person, number and address here is invented.

Phone numbers come only from the ranges Ofcom keeps for drama (01632 960000 to 960999 and 07700 900000 to
900999); email addresses and websites only from .example domains, which can never be registered.
Owners are demo accounts by the local part of their email; `checked_days_ago` counts back from the day the
demo is loaded, so entries due a check stay due however long after release the demo is loaded.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from portal.directory.models import PhoneKind, ServiceStatus
from portal.directory.services import HelpNowRole

Period = tuple[int, time, time]  # weekday (0 Monday), opens, closes; closing at or before opening runs overnight


def on_days(weekdays: Iterable[int], opens: time, closes: time) -> list[Period]:
    return [(day, opens, closes) for day in weekdays]


WEEKDAYS = range(5)
MIDNIGHT = time(0)
ALL_DAY_EVERY_DAY = on_days(range(7), MIDNIGHT, MIDNIGHT)
OFFICE_HOURS = on_days(WEEKDAYS, time(9), time(17))
COUNCIL_HOURS = [*on_days(range(4), time(8, 45), time(17, 15)), (4, time(8, 45), time(16, 45))]
# Whenever the council offices are shut: each period runs on to 8:45am the next morning.
COUNCIL_CLOSED = [
    *on_days(range(4), time(17, 15), time(8, 45)),
    (4, time(16, 45), time(8, 45)),
    *on_days((5, 6), time(8, 45), time(8, 45)),
]
EVENINGS = on_days(WEEKDAYS, time(18), time(22))
OVERNIGHT = on_days(range(7), time(20), time(8))


@dataclass(frozen=True)
class DemoEntry:
    name: str
    category: str  # one of the default category names
    summary: str
    description: str
    provider: str = ""
    internal: bool = False
    email: str | None = None
    website: str | None = None
    hours: tuple[Period, ...] | list[Period] = ()
    opening_notes: str = ""
    out_of_hours: bool = False
    audience: str = "All councillors"
    shareable: bool = True
    status: str = ServiceStatus.ACTIVE
    owner: str | None = "helen.ashdown"
    checked_days_ago: int | None = 30
    help_now_role: str | None = None
    phones: tuple[tuple[str, str, str], ...] = ()  # number, kind, what it is for
    contacts: tuple[tuple[str, str], ...] = ()  # name, role


COUNCIL = "Northshire District Council"
POLICE = "Northshire Police"
VOICE, TEXT, TEXTPHONE, MOBILE = PhoneKind.VOICE, PhoneKind.TEXT, PhoneKind.TEXTPHONE, PhoneKind.MOBILE

WELLBEING = [
    DemoEntry(
        name="Members' wellbeing pages",
        category="Wellbeing",
        summary="Short guides on rest, workload and switching off, written for councillors",
        description=(
            "Member services keep a set of plain guides on looking after yourself in the role: setting limits on "
            "when you answer messages, taking leave from casework, and where to go when it gets too much."
        ),
        provider=COUNCIL,
        internal=True,
        email="wellbeing@northshire.example",
        website="https://intranet.northshire.example/members/wellbeing",
        hours=COUNCIL_HOURS,
        checked_days_ago=45,
        phones=(("01632 960101", VOICE, "Member services, wellbeing enquiries"),),
    ),
    DemoEntry(
        name="Active Northshire leisure pass for members",
        category="Wellbeing",
        summary="Reduced-price gym, swimming and classes at the district's leisure centres",
        description=(
            "Councillors can buy the same leisure pass that council staff use. Show your member ID at any "
            "Active Northshire centre reception to sign up."
        ),
        provider="Active Northshire Leisure Trust",
        email="passes@activenorthshire.example",
        website="https://www.activenorthshire.example",
        hours=on_days(range(7), time(6, 30), time(22)),
        audience="Councillors and their households",
        owner="officer",
        checked_days_ago=120,
        phones=(("01632 960415", VOICE, "Membership desk"),),
    ),
    DemoEntry(
        name="Calmwater stress and sleep workshops",
        category="Wellbeing",
        summary="Free evening workshops on stress, sleep and handling hostile contact",
        description=(
            "Small online groups, run twice a month, on practical ways to wind down after difficult meetings and "
            "to sleep better when the role is weighing on you. Cameras can stay off."
        ),
        provider="Calmwater Wellbeing CIC",
        email="bookings@calmwater.example",
        website="https://calmwater.example/workshops",
        hours=on_days((1, 3), time(19), time(20, 30)),
        opening_notes="Tuesday and Thursday evenings; book a place a day ahead.",
        checked_days_ago=200,
        phones=(("01632 960422", VOICE, "Bookings"),),
    ),
    DemoEntry(
        name="Money and allowance advice",
        category="Wellbeing",
        summary="Confidential help with money worries, benefits and how allowances affect them",
        description=(
            "Advisers who understand members' allowances explain how they interact with benefits, tax and "
            "pensions, and help with debt if money is getting on top of you."
        ),
        provider="Northshire Money Advice",
        email="advice@northshiremoney.example",
        website="https://www.northshiremoney.example",
        hours=OFFICE_HOURS,
        owner="dev.malhotra",
        checked_days_ago=75,
        phones=(("01632 960433", VOICE, "Advice line"), ("01632 960434", TEXTPHONE, "Textphone")),
    ),
    DemoEntry(
        name="Family support line",
        category="Wellbeing",
        summary="Support for partners and children when a councillor is targeted",
        description=(
            "Abuse aimed at a councillor often reaches their family too. Trained volunteers listen to family "
            "members and talk through what they can do to feel safer at home and online."
        ),
        provider="Family Line Northshire",
        email="hello@familyline.example",
        website="https://familyline.example",
        hours=EVENINGS,
        audience="Councillors' partners, children and other family members",
        checked_days_ago=160,
        phones=(("01632 960440", VOICE, "Family line"), ("07700 900440", TEXT, "Text us")),
    ),
]

COUNSELLING = [
    DemoEntry(
        name="Employee assistance programme",
        category="Counselling and employee assistance",
        summary="Free, confidential advice and counselling, any time of day or night",
        description=(
            "The council's assistance programme covers councillors as well as staff. Call for someone to talk to, "
            "short-term counselling, or advice on debt, family and legal worries. The council is never told who "
            "called."
        ),
        provider="Harbourlight Employee Assistance",
        email="support@harbourlight.example",
        website="https://www.harbourlight.example/northshire",
        hours=ALL_DAY_EVERY_DAY,
        opening_notes="Open 24 hours a day, every day of the year. Quote the council code NDC-MEMBERS.",
        out_of_hours=True,
        audience="Councillors, council staff and people in their households",
        checked_days_ago=20,
        phones=(
            ("01632 960200", VOICE, "Freephone, 24 hours"),
            ("01632 960201", TEXTPHONE, "Textphone"),
        ),
    ),
    DemoEntry(
        name="Face-to-face counselling",
        category="Counselling and employee assistance",
        summary="Up to eight sessions with a qualified counsellor, in person or by video",
        description=(
            "After a first call, you are offered a counsellor near you or on video, usually within ten working "
            "days. Sessions are paid for by the council and are confidential."
        ),
        provider="Northshire Counselling Partnership",
        email="referrals@northshirecounselling.example",
        website="https://northshirecounselling.example",
        hours=on_days(WEEKDAYS, time(9), time(20)),
        opening_notes="Evening appointments on weekdays until 8pm.",
        checked_days_ago=95,
        phones=(("01632 960210", VOICE, "Referrals"),),
    ),
    DemoEntry(
        name="Open Door online counselling",
        category="Counselling and employee assistance",
        summary="Counselling by live chat for people who would rather type than talk",
        description="Book a chat session with a counsellor through the website. No camera or microphone needed.",
        provider="Open Door Online Counselling",
        email="chat@opendoor.example",
        website="https://opendoor.example",
        hours=on_days(range(7), time(17), time(23)),
        out_of_hours=True,
        checked_days_ago=140,
    ),
    DemoEntry(
        name="Critical incident support",
        category="Counselling and employee assistance",
        summary="Help in the hours and days after a frightening incident",
        description=(
            "If you have been threatened, attacked or had your home targeted, a specialist can call you back to "
            "talk it through and arrange follow-up support."
        ),
        provider="Harbourlight Employee Assistance",
        email="incidents@harbourlight.example",
        website="https://www.harbourlight.example/incidents",
        hours=ALL_DAY_EVERY_DAY,
        out_of_hours=True,
        checked_days_ago=20,
        phones=(("01632 960205", VOICE, "Critical incident line"),),
    ),
    DemoEntry(
        name="Stillwater bereavement counselling",
        category="Counselling and employee assistance",
        summary="Counselling after the death of someone close to you",
        description="One-to-one and group support for adults who are grieving, at centres across the district.",
        provider="Stillwater Bereavement Service",
        email="contact@stillwater.example",
        website="https://stillwater.example",
        hours=OFFICE_HOURS,
        checked_days_ago=410,
        phones=(("01632 960230", VOICE, "Enquiries"),),
    ),
]

MENTAL_HEALTH = [
    DemoEntry(
        name="Mental health crisis line",
        category="Mental health",
        summary="Urgent help from the local crisis team when you or someone you know is at risk",
        description=(
            "Staffed by mental health nurses who can assess you over the phone, arrange a visit from the crisis "
            "team or advise where to go. If life is in danger now, call 999."
        ),
        provider="Northshire Health and Care Trust",
        website="https://www.northshirehealthcare.example/crisis",
        hours=ALL_DAY_EVERY_DAY,
        out_of_hours=True,
        audience="Anyone in Northshire",
        owner="officer",
        checked_days_ago=60,
        phones=(("01632 960300", VOICE, "Crisis line, 24 hours"), ("01632 960301", TEXTPHONE, "Textphone")),
    ),
    DemoEntry(
        name="Lanternline listening service",
        category="Mental health",
        summary="Someone to listen, without judging, whatever you are going through",
        description=(
            "Volunteers answer calls and texts at any hour. You do not have to be in crisis to call, and you "
            "do not have to give your name."
        ),
        provider="Lanternline",
        email="listen@lanternline.example",
        website="https://lanternline.example",
        hours=ALL_DAY_EVERY_DAY,
        out_of_hours=True,
        audience="Anyone",
        owner="officer",
        checked_days_ago=90,
        phones=(("01632 960310", VOICE, "Listening line"), ("07700 900310", TEXT, "Text the listening line")),
    ),
    DemoEntry(
        name="Northshire talking therapies",
        category="Mental health",
        summary="Refer yourself for help with anxiety, low mood and stress",
        description=(
            "Courses and one-to-one therapy for common mental health problems. You can refer yourself online "
            "without seeing your GP."
        ),
        provider="Northshire Health and Care Trust",
        website="https://www.northshirehealthcare.example/talking",
        hours=on_days(WEEKDAYS, time(8), time(20)),
        owner="officer",
        checked_days_ago=180,
        phones=(("01632 960320", VOICE, "Self-referral"),),
    ),
    DemoEntry(
        name="The Harbour Sanctuary",
        category="Mental health",
        summary="A calm place to go overnight when things feel too much",
        description=(
            "A drop-in sanctuary by the harbour, staffed by mental health workers and peer volunteers. Call ahead "
            "or just arrive."
        ),
        provider="Harbour Sanctuary Trust",
        email="team@harboursanctuary.example",
        website="https://harboursanctuary.example",
        hours=OVERNIGHT,
        opening_notes="Open every night from 8pm to 8am.",
        out_of_hours=True,
        audience="Adults in Northshire",
        owner="officer",
        checked_days_ago=110,
        phones=(("01632 960330", VOICE, "Sanctuary"),),
    ),
    DemoEntry(
        name="Shoreline text support",
        category="Mental health",
        summary="Text a trained volunteer when you cannot face a phone call",
        description="A free text service, open all day and night. Replies usually arrive within five minutes.",
        provider="Shoreline Text Support",
        website="https://shorelinetext.example",
        hours=ALL_DAY_EVERY_DAY,
        out_of_hours=True,
        audience="Anyone",
        owner="officer",
        checked_days_ago=200,
        phones=(("07700 900350", TEXT, "Text SHORE"),),
    ),
]

PEER_SUPPORT = [
    DemoEntry(
        name="Councillors' peer support network",
        category="Peer support",
        summary="Cross-party councillors who have faced abuse and will talk it through with you",
        description=(
            "A network of serving and former councillors from every group. Ask for a call with someone who has "
            "been through something similar; what you say stays between you."
        ),
        provider="Northshire Councillors' Network",
        email="network@northshirecouncillors.example",
        website="https://northshirecouncillors.example",
        hours=on_days(WEEKDAYS, time(18), time(21)),
        opening_notes="Monthly meetings on the first Wednesday; calls most weekday evenings.",
        owner="dev.malhotra",
        checked_days_ago=35,
        phones=(("07700 900410", MOBILE, "Network coordinator"),),
        contacts=(("Cllr Anne Fairbrother", "Network coordinator"),),
    ),
    DemoEntry(
        name="New councillor buddy scheme",
        category="Peer support",
        summary="An experienced councillor paired with you for your first year",
        description=(
            "Member services pair each newly elected councillor with a buddy from another group, who can answer "
            "the questions people hesitate to ask and help with the first difficult encounter."
        ),
        provider=COUNCIL,
        internal=True,
        email="memberservices@northshire.example",
        hours=COUNCIL_HOURS,
        audience="Councillors in their first year",
        checked_days_ago=25,
        phones=(("01632 960102", VOICE, "Member services"),),
    ),
    DemoEntry(
        name="Women councillors' circle",
        category="Peer support",
        summary="An informal group for women councillors across the county",
        description="Meets online each month to share what works in dealing with harassment and online abuse.",
        provider="Northshire Women Councillors' Circle",
        email="circle@womencouncillors.example",
        hours=on_days((2,), time(19), time(20, 30)),
        owner=None,
        checked_days_ago=None,
    ),
    DemoEntry(
        name="Civic Leaders Association mentoring",
        category="Peer support",
        summary="A mentor from another council for members facing a difficult time",
        description=(
            "The national association matches members with trained councillor mentors from elsewhere in the "
            "country, for a fresh view from outside the district."
        ),
        provider="Civic Leaders Association",
        email="mentoring@civicleaders.example",
        website="https://www.civicleaders.example/mentoring",
        hours=OFFICE_HOURS,
        checked_days_ago=150,
        phones=(("01632 960460", VOICE, "Mentoring team"),),
    ),
    DemoEntry(
        name="Lunchtime peer drop-in",
        category="Peer support",
        summary="A monthly lunchtime drop-in at the civic centre (no longer running)",
        description="Replaced by the councillors' peer support network.",
        provider=COUNCIL,
        internal=True,
        status=ServiceStatus.CLOSED,
        checked_days_ago=700,
    ),
]

POLICE_ENTRIES = [
    DemoEntry(
        name="Police single point of contact for elected members",
        category="Police",
        summary="Your named police contact for threats, harassment and security at surgeries",
        description=(
            "Northshire Police give every councillor one named contact. Tell them about threats, abusive "
            "messages or worries about an event; they will advise, record what happened and make sure it "
            "reaches the right team. In an emergency call 999."
        ),
        provider=POLICE,
        email="members.liaison@northshirepolice.example",
        hours=on_days(WEEKDAYS, time(8), time(18)),
        opening_notes="Outside these hours, leave a message or use the council's out-of-hours line.",
        shareable=False,
        owner="officer",
        checked_days_ago=15,
        help_now_role=HelpNowRole.POLICE_CONTACT,
        phones=(
            ("01632 960500", VOICE, "Direct line"),
            ("07700 900500", MOBILE, "Duty mobile, weekdays"),
        ),
        contacts=(
            ("PS Dan Kerrigan", "Elected members liaison officer"),
            ("PC Leah Osei", "Deputy liaison officer"),
        ),
    ),
    DemoEntry(
        name="Report a crime online",
        category="Police",
        summary="Report a crime that is not an emergency, at any time",
        description=(
            "Use the online form for crimes that are not happening now, such as malicious communications. Give "
            "your liaison officer the reference so they can follow it up."
        ),
        provider=POLICE,
        website="https://www.northshirepolice.example/report",
        hours=ALL_DAY_EVERY_DAY,
        out_of_hours=True,
        audience="Anyone",
        owner="officer",
        checked_days_ago=50,
    ),
    DemoEntry(
        name="Hate crime reporting centre",
        category="Police",
        summary="Report hate incidents with help from someone independent of the police",
        description=(
            "Trained staff help you report incidents motivated by hostility towards who you are, and can pass the "
            "report on to the police without giving your name if you prefer."
        ),
        provider="Northshire Hate Crime Partnership",
        email="report@northshirehatecrime.example",
        website="https://northshirehatecrime.example",
        hours=OFFICE_HOURS,
        owner="officer",
        checked_days_ago=430,
        phones=(("01632 960520", VOICE, "Reporting line"), ("01632 960521", TEXTPHONE, "Textphone")),
    ),
    DemoEntry(
        name="Speak Safely anonymous line",
        category="Police",
        summary="Pass on information about crime without giving your name",
        description="An independent line that passes information to the police; calls are not traced or recorded.",
        provider="Speak Safely Northshire",
        website="https://speaksafely.example",
        hours=ALL_DAY_EVERY_DAY,
        out_of_hours=True,
        audience="Anyone",
        owner="officer",
        checked_days_ago=240,
        phones=(("01632 960530", VOICE, "Anonymous line"),),
    ),
    DemoEntry(
        name="Northshire victim care",
        category="Police",
        summary="Practical and emotional support after a crime, reported or not",
        description=(
            "Caseworkers help you through the aftermath of a crime: staying safe, understanding the court process "
            "and getting your home made secure."
        ),
        provider="Northshire Victim Care Service",
        email="help@victimcare.example",
        website="https://victimcare.example",
        hours=on_days(WEEKDAYS, time(8), time(20)),
        owner="officer",
        checked_days_ago=130,
        phones=(("01632 960540", VOICE, "Support line"),),
    ),
]

EMERGENCY = [
    DemoEntry(
        name="Council out-of-hours emergency line",
        category="Emergency",
        summary="The council's duty officer, whenever the offices are shut",
        description=(
            "Call if something urgent happens when the offices are closed: a threat at a meeting, damage to your "
            "home linked to council business, or a safety concern at an event. The duty officer can reach senior "
            "managers and the police. If anyone is in danger, call 999 first."
        ),
        provider=COUNCIL,
        internal=True,
        hours=COUNCIL_CLOSED,
        opening_notes=(
            "From 5:15pm to 8:45am Monday to Thursday, from 4:45pm on Friday through to 8:45am on Monday, "
            "and all day on bank holidays."
        ),
        out_of_hours=True,
        audience="Councillors and staff",
        owner="officer",
        checked_days_ago=10,
        help_now_role=HelpNowRole.OUT_OF_HOURS,
        phones=(("01632 960999", VOICE, "Out-of-hours duty officer"),),
    ),
    DemoEntry(
        name="Emergency planning duty officer",
        category="Emergency",
        summary="For major incidents affecting council buildings, events or a ward",
        description=(
            "Reach the emergency planning duty officer through the out-of-hours line or their pager desk when "
            "a major incident may affect members, such as an evacuation during a meeting."
        ),
        provider=COUNCIL,
        internal=True,
        hours=ALL_DAY_EVERY_DAY,
        out_of_hours=True,
        audience="Councillors, chairs of committees and staff",
        shareable=False,
        owner="officer",
        checked_days_ago=80,
        phones=(("01632 960990", VOICE, "Duty officer desk"),),
    ),
    DemoEntry(
        name="Guardian personal alarm response",
        category="Emergency",
        summary="The response centre behind the personal alarms the council issues to members",
        description=(
            "When you press your alarm, a response operator listens in, speaks to you, and calls the police or "
            "your chosen contact. Test your alarm through the same number once a month."
        ),
        provider="Guardian Response Centre",
        email="alarms@guardianresponse.example",
        website="https://guardianresponse.example",
        hours=ALL_DAY_EVERY_DAY,
        out_of_hours=True,
        audience="Councillors who have been issued a personal alarm",
        checked_days_ago=40,
        phones=(("01632 960950", VOICE, "Response centre"), ("07700 900950", TEXT, "Alarm test by text")),
    ),
    DemoEntry(
        name="Safer Homes emergency lock changes",
        category="Emergency",
        summary="Locks changed and doors secured quickly after a threat at home",
        description="Currently not taking new referrals while funding is renewed; ask your police contact instead.",
        provider="Northshire Safer Homes",
        email="referrals@saferhomes.example",
        hours=OFFICE_HOURS,
        status=ServiceStatus.TEMPORARILY_CLOSED,
        owner="officer",
        checked_days_ago=60,
        phones=(("01632 960960", VOICE, "Referrals"),),
    ),
]

LEGAL = [
    DemoEntry(
        name="Monitoring officer",
        category="Legal",
        summary="Advice on the code of conduct, interests and what to do about complaints",
        description=(
            "The monitoring officer advises members on the code of conduct and registering interests, and on "
            "options when a member of the public's behaviour crosses a line."
        ),
        provider=COUNCIL,
        internal=True,
        email="monitoring.officer@northshire.example",
        hours=COUNCIL_HOURS,
        owner="officer",
        checked_days_ago=30,
        phones=(("01632 960120", VOICE, "Legal services"),),
        contacts=(("Marcus Hale", "Monitoring officer"), ("Fiona Reddy", "Deputy monitoring officer")),
    ),
    DemoEntry(
        name="Castlegate legal advice for members",
        category="Legal",
        summary="An initial legal consultation about harassment or defamation, paid for by the council",
        description=(
            "The council's panel solicitors give members a first consultation on harassment, defamation and "
            "injunctions. Ask the monitoring officer for a referral first."
        ),
        provider="Castlegate Solicitors",
        email="members@castlegate.example",
        website="https://castlegate.example",
        hours=OFFICE_HOURS,
        owner="officer",
        checked_days_ago=100,
        phones=(("01632 960610", VOICE, "Reception"),),
    ),
    DemoEntry(
        name="Civic Leaders Association legal helpline",
        category="Legal",
        summary="Guidance for councillors on defamation, intimidation and their rights",
        description=(
            "The association's helpline and guides explain what the law says about threats, harassment and "
            "defamation, and what a council can do to protect its members."
        ),
        provider="Civic Leaders Association",
        email="legal@civicleaders.example",
        website="https://www.civicleaders.example/legal",
        hours=on_days(WEEKDAYS, time(10), time(16)),
        owner="officer",
        checked_days_ago=470,
        phones=(("01632 960620", VOICE, "Legal helpline"),),
    ),
    DemoEntry(
        name="Independent person for standards",
        category="Legal",
        summary="An independent view when you are the subject of a code of conduct complaint",
        description="The independent person can be consulted by a councillor who has had a complaint made about them.",
        provider=COUNCIL,
        internal=True,
        email="standards@northshire.example",
        hours=COUNCIL_HOURS,
        owner="officer",
        checked_days_ago=210,
    ),
    DemoEntry(
        name="Keeping your home address private",
        category="Legal",
        summary="Withhold your home address from the register of interests and election papers",
        description=(
            "Electoral services and the monitoring officer can help you keep your home address out of published "
            "documents where there is a risk to you or your family."
        ),
        provider=COUNCIL,
        internal=True,
        email="elections@northshire.example",
        hours=COUNCIL_HOURS,
        owner="officer",
        checked_days_ago=55,
        phones=(("01632 960130", VOICE, "Electoral services"),),
    ),
]

DIGITAL = [
    DemoEntry(
        name="IT security help for members",
        category="Digital and social media safety",
        summary="Help if an account is hacked, a device is lost, or a message looks suspicious",
        description=(
            "The IT service desk secures council accounts and devices, and will help you lock down personal "
            "accounts used for council work. Report a lost device straight away."
        ),
        provider=COUNCIL,
        internal=True,
        email="itsecurity@northshire.example",
        hours=on_days(WEEKDAYS, time(8), time(18)),
        shareable=False,
        owner="dev.malhotra",
        checked_days_ago=20,
        phones=(("01632 960140", VOICE, "IT service desk"),),
    ),
    DemoEntry(
        name="Communications team: press and social media",
        category="Digital and social media safety",
        summary="Advice on press enquiries, difficult posts and pile-ons",
        description=(
            "The communications team help you respond, or not, to hostile coverage and social media storms, and "
            "can ask platforms to act on the council's behalf. An on-call press officer covers evenings and "
            "weekends."
        ),
        provider=COUNCIL,
        internal=True,
        email="press@northshire.example",
        hours=on_days(range(7), time(8), time(22)),
        shareable=False,
        owner="dev.malhotra",
        checked_days_ago=65,
        phones=(
            ("01632 960150", VOICE, "Press office"),
            ("07700 900150", MOBILE, "On-call press officer"),
        ),
    ),
    DemoEntry(
        name="Online abuse advice line",
        category="Digital and social media safety",
        summary="Help to report abusive posts and get them taken down",
        description=(
            "Advisers explain each platform's rules, help you gather evidence and escalate reports that "
            "platforms have ignored."
        ),
        provider="Screenwise Online Harm Advice",
        email="help@screenwise.example",
        website="https://screenwise.example",
        hours=on_days(WEEKDAYS, time(10), time(16)),
        owner="dev.malhotra",
        checked_days_ago=115,
        phones=(("01632 960710", VOICE, "Advice line"),),
    ),
    DemoEntry(
        name="Digital safety guidance for public figures",
        category="Digital and social media safety",
        summary="Step-by-step guides to securing your accounts and hiding personal details",
        description=(
            "Free guides and monthly webinars on privacy settings, removing your address from people-search sites "
            "and keeping family accounts separate."
        ),
        provider="Clearpath Digital Safety",
        website="https://clearpath.example/public-figures",
        hours=on_days((3,), time(18, 30), time(19, 30)),
        opening_notes="Guides online at any time; webinars on the last Thursday of each month.",
        owner="dev.malhotra",
        checked_days_ago=300,
    ),
    DemoEntry(
        name="Takedown Assist",
        category="Digital and social media safety",
        summary="Removing intimate or doctored images shared without consent",
        description="Caseworkers contact platforms and sites to remove images and can support a police report.",
        provider="Takedown Assist",
        email="cases@takedownassist.example",
        website="https://takedownassist.example",
        hours=OFFICE_HOURS,
        owner="dev.malhotra",
        checked_days_ago=520,
        phones=(("01632 960730", VOICE, "Helpline"),),
    ),
]

HEALTH_AND_SAFETY = [
    DemoEntry(
        name="Health and safety team",
        category="Health and safety",
        summary="Risk assessments for surgeries, home visits and public meetings",
        description=(
            "The team will assess a surgery venue with you, suggest safer arrangements for home visits and "
            "arrange security at contentious meetings."
        ),
        provider=COUNCIL,
        internal=True,
        email="healthandsafety@northshire.example",
        hours=COUNCIL_HOURS,
        checked_days_ago=70,
        phones=(("01632 960160", VOICE, "Health and safety advisers"),),
        contacts=(("Gareth Pryce", "Health and safety manager"),),
    ),
    DemoEntry(
        name="SafeTrack lone-working app",
        category="Health and safety",
        summary="A phone app that raises the alarm if you do not check in after a visit",
        description=(
            "The council pays for the app for every member. Start a timer before a visit; if you do not stop it, "
            "the monitoring centre calls you and then your contacts or the police."
        ),
        provider="SafeTrack Lone Worker Systems",
        email="support@safetrack.example",
        website="https://safetrack.example",
        hours=ALL_DAY_EVERY_DAY,
        out_of_hours=True,
        checked_days_ago=85,
        phones=(("07700 900160", MOBILE, "Monitoring centre"), ("01632 960161", VOICE, "App support")),
    ),
    DemoEntry(
        name="Steadfast personal safety training",
        category="Health and safety",
        summary="Half-day courses on personal safety, de-escalation and safer surgeries",
        description="Courses run at the civic centre each quarter, with evening sessions for members who work.",
        provider="Steadfast Safety Training",
        email="courses@steadfast.example",
        website="https://steadfast.example",
        hours=OFFICE_HOURS,
        checked_days_ago=190,
        phones=(("01632 960170", VOICE, "Course bookings"),),
    ),
    DemoEntry(
        name="Surgery venue checks",
        category="Health and safety",
        summary="Facilities staff check community venues before you hold a surgery there",
        description="Ask two weeks ahead; the check covers exits, phone signal and who else is in the building.",
        provider=COUNCIL,
        internal=True,
        email="facilities@northshire.example",
        hours=COUNCIL_HOURS,
        checked_days_ago=250,
        phones=(("01632 960180", VOICE, "Facilities"),),
    ),
    DemoEntry(
        name="Home security advice",
        category="Health and safety",
        summary="A crime prevention officer visits your home and advises on security",
        description=(
            "Northshire Police crime prevention officers visit members who have received threats and recommend "
            "lighting, locks and cameras."
        ),
        provider=POLICE,
        email="crimeprevention@northshirepolice.example",
        hours=OFFICE_HOURS,
        checked_days_ago=390,
        phones=(("01632 960560", VOICE, "Crime prevention"),),
    ),
]

MEMBER_SERVICES = [
    DemoEntry(
        name="Member services team",
        category="Member services",
        summary="The council team that supports councillors day to day",
        description=(
            "Start here if you are not sure who to ask. Member services can arrange support, training, equipment "
            "and security measures, and know who does what across the council."
        ),
        provider=COUNCIL,
        internal=True,
        email="memberservices@northshire.example",
        hours=COUNCIL_HOURS,
        checked_days_ago=5,
        phones=(("01632 960100", VOICE, "Member services"), ("01632 960109", TEXTPHONE, "Textphone")),
        contacts=(("Helen Ashdown", "Head of member services"),),
    ),
    DemoEntry(
        name="Democratic services",
        category="Member services",
        summary="Committee clerks, meeting arrangements and security at public meetings",
        description=(
            "Tell democratic services before a meeting if you expect trouble: they can arrange stewards, change "
            "the room layout or move to a hybrid meeting."
        ),
        provider=COUNCIL,
        internal=True,
        email="democratic.services@northshire.example",
        hours=COUNCIL_HOURS,
        owner="officer",
        checked_days_ago=40,
        phones=(("01632 960110", VOICE, "Committee team"),),
    ),
    DemoEntry(
        name="Allowances and security expenses",
        category="Member services",
        summary="Claiming for alarms, locks, and other costs of keeping safe",
        description=(
            "The members' allowances scheme covers reasonable security costs. Payroll can tell you what may be "
            "claimed and how."
        ),
        provider=COUNCIL,
        internal=True,
        email="members.payroll@northshire.example",
        hours=COUNCIL_HOURS,
        shareable=False,
        checked_days_ago=150,
        phones=(("01632 960190", VOICE, "Payroll"),),
    ),
    DemoEntry(
        name="Member induction and development",
        category="Member services",
        summary="Your training plan, from induction onwards",
        description="Member services plan induction and ongoing training, including safety and social media courses.",
        provider=COUNCIL,
        internal=True,
        email="memberdevelopment@northshire.example",
        hours=COUNCIL_HOURS,
        checked_days_ago=100,
        phones=(("01632 960105", VOICE, "Member development"),),
    ),
]

ENTRIES: list[DemoEntry] = [
    *WELLBEING,
    *COUNSELLING,
    *MENTAL_HEALTH,
    *PEER_SUPPORT,
    *POLICE_ENTRIES,
    *EMERGENCY,
    *LEGAL,
    *DIGITAL,
    *HEALTH_AND_SAFETY,
    *MEMBER_SERVICES,
]
