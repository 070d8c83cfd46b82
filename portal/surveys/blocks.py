"""Standard blocks of questions that officers add to a template whole.

Each question has a stable key, so that results and trends follow it across rounds and copies of a template.
Statement tags name self-assessment statements as "<principle>.<statement>"; officers can change them.
"""

from dataclasses import dataclass, field

from portal.surveys.models import QuestionKind

AGREEMENT_OPTIONS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
# WHO-5 answers, scored 0 to 5; stored as the number, shown in this order (0 first).
FREQUENCY_OPTIONS = [
    "At no time",
    "Some of the time",
    "Less than half of the time",
    "More than half of the time",
    "Most of the time",
    "All of the time",
]
PREFER_NOT_TO_SAY = "Prefer not to say"

WHO5_SOURCE = (
    "The WHO-5 Wellbeing Index, World Health Organization, 1998 (Psychiatric Research Unit, Mental Health "
    "Centre North Zealand), free to use with its source named."
)
WHO5_LOW_WELLBEING_AT_OR_BELOW = 50
WHO5_MULTIPLIER = 4  # the raw 0-25 sum times 4 gives 0-100
ONS4_SOURCE = "The four personal wellbeing questions of the Office for National Statistics."


@dataclass(frozen=True)
class StandardQuestion:
    key: str
    kind: QuestionKind
    text: str
    help_text: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False
    statement_tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Block:
    code: str
    name: str
    description: str
    questions: list[StandardQuestion]
    source: str = ""


_WHO5_INTRO = "Over the last two weeks"
WHO5 = Block(
    code="who5",
    name="WHO-5 Wellbeing Index",
    description="Five statements about the last two weeks, scored 0 to 100; 50 or below counts as low wellbeing.",
    source=WHO5_SOURCE,
    questions=[
        StandardQuestion(
            key=f"who5.{number}",
            kind=QuestionKind.FREQUENCY,
            text=text,
            help_text=_WHO5_INTRO,
            options=FREQUENCY_OPTIONS,
            required=True,
            statement_tags=["1.1"],
        )
        for number, text in enumerate(
            [
                "I have felt cheerful and in good spirits",
                "I have felt calm and relaxed",
                "I have felt active and vigorous",
                "I woke up feeling fresh and rested",
                "My daily life has been filled with things that interest me",
            ],
            start=1,
        )
    ],
)

_ONS_HELP = "0 means not at all, 10 means completely"
ONS4 = Block(
    code="ons4",
    name="Personal wellbeing (ONS)",
    description="The four questions national statistics use, each on a scale from 0 to 10.",
    source=ONS4_SOURCE,
    questions=[
        StandardQuestion(
            key="ons.satisfied",
            kind=QuestionKind.SCALE,
            text="Overall, how satisfied are you with your life nowadays?",
            help_text=_ONS_HELP,
        ),
        StandardQuestion(
            key="ons.worthwhile",
            kind=QuestionKind.SCALE,
            text="Overall, to what extent do you feel that the things you do in your life are worthwhile?",
            help_text=_ONS_HELP,
        ),
        StandardQuestion(
            key="ons.happy",
            kind=QuestionKind.SCALE,
            text="Overall, how happy did you feel yesterday?",
            help_text=_ONS_HELP,
        ),
        StandardQuestion(
            key="ons.anxious",
            kind=QuestionKind.SCALE,
            text="Overall, how anxious did you feel yesterday?",
            help_text=_ONS_HELP,
        ),
    ],
)

EXPERIENCE = Block(
    code="experience",
    name="Experience of abuse and intimidation",
    description="Whether members met abuse or intimidation since the last survey, how, and what support they know of.",
    questions=[
        StandardQuestion(
            key="exp.experienced",
            kind=QuestionKind.SINGLE_CHOICE,
            text="Since the last survey, have you experienced abuse or intimidation because of your role?",
            options=["Yes", "No", "Not sure"],
            statement_tags=["2.1"],
        ),
        StandardQuestion(
            key="exp.how_often",
            kind=QuestionKind.SINGLE_CHOICE,
            text="If so, how often?",
            options=["Once", "A few times", "Every month", "Every week or more"],
            statement_tags=["2.1"],
        ),
        StandardQuestion(
            key="exp.channels",
            kind=QuestionKind.MULTIPLE_CHOICE,
            text="How did it reach you?",
            help_text="Select all that apply",
            options=["In person", "Social media", "Email", "Phone", "Letter", "At home"],
            statement_tags=["2.1", "4.1"],
        ),
        StandardQuestion(
            key="exp.kinds",
            kind=QuestionKind.MULTIPLE_CHOICE,
            text="What kind of abuse or intimidation was it?",
            help_text="Select all that apply",
            options=[
                "Threats",
                "Harassment",
                "Stalking",
                "Damage to property",
                "Untrue information published about you",
                "Your personal information published",
                "Other",
            ],
            statement_tags=["2.1"],
        ),
        StandardQuestion(
            key="exp.reported_to",
            kind=QuestionKind.MULTIPLE_CHOICE,
            text="Did you report it, and to whom?",
            help_text="Select all that apply",
            options=[
                "The police",
                "Council officers",
                "A safety champion",
                "My political group",
                "The platform where it happened",
                "I did not report it",
            ],
            statement_tags=["4.2"],
        ),
        StandardQuestion(
            key="exp.know_support",
            kind=QuestionKind.AGREEMENT,
            text="I know where to get support if I experience abuse or intimidation",
            options=AGREEMENT_OPTIONS,
            statement_tags=["1.2", "3.1"],
        ),
        StandardQuestion(
            key="exp.arrangements_work",
            kind=QuestionKind.AGREEMENT,
            text="The council's arrangements to keep members safe work well",
            options=AGREEMENT_OPTIONS,
            statement_tags=["3.2", "5.1"],
        ),
    ],
)

BLOCKS: dict[str, Block] = {block.code: block for block in (WHO5, ONS4, EXPERIENCE)}
WHO5_KEYS = [question.key for question in WHO5.questions]
