"""The rules for building survey templates: questions, standard blocks, self-reported attributes and tags.

A template that any round uses is locked: every change is refused, so that the questions members answered
stay the questions officers read results for. Officers copy a locked template to change it; copies keep each
question's key, so trends follow a question from one template to its copy.
"""

import re
import secrets
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import select

from portal.accounts import audit
from portal.accounts.models import User
from portal.extensions import db
from portal.surveys import blocks
from portal.surveys.models import QuestionKind, SurveyQuestion, SurveyTemplate

LOCKED_MESSAGE = "This template is used by a survey round, so it cannot be changed. Copy it to make changes."
# The kinds officers choose from; "frequency" belongs to WHO-5 alone.
AUTHORED_KINDS = [
    QuestionKind.AGREEMENT,
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.SCALE,
    QuestionKind.FREE_TEXT,
]
CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}
MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION_LENGTH = 2, 20, 200
STATEMENT_TAG = re.compile(r"[1-5]\.[1-9]")
TAGS_MESSAGE = (
    "Write each statement as principle.statement, for example 1.2, 3.1 (principles 1 to 5, statements 1 to 9)"
)


@dataclass(frozen=True)
class ReadyAttribute:
    key: str
    text: str
    options: list[str]


# Attributes most councils break results down by, offered with one click. Fixed keys, so that breakdowns
# compare across templates.
READY_ATTRIBUTES: dict[str, ReadyAttribute] = {
    "independent": ReadyAttribute("attr.independent", "Are you an independent councillor?", ["Yes", "No"]),
    "years_in_office": ReadyAttribute(
        "attr.years_in_office",
        "How long have you been a councillor?",
        ["Less than 2 years", "2 to 5 years", "6 to 10 years", "More than 10 years"],
    ),
}


class AuthoringError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class TemplateLocked(AuthoringError):
    def __init__(self):
        super().__init__(LOCKED_MESSAGE)


@dataclass
class QuestionInput:
    kind: str
    text: str
    help_text: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)
    statement_tags: list[str] = field(default_factory=list)
    is_attribute: bool = False


# ---- reading -------------------------------------------------------------------------------------------


def templates(*, archived: bool = False) -> list[SurveyTemplate]:
    """Templates by name: the current ones (those a new round may use), or the archived ones."""
    query = select(SurveyTemplate).where(SurveyTemplate.archived.is_(archived)).order_by(SurveyTemplate.name)
    return list(db.session.scalars(query))


def get_template_or_404(template_id: int) -> SurveyTemplate:
    return db.get_or_404(SurveyTemplate, template_id)


def get_question_or_404(template: SurveyTemplate, question_id: int) -> SurveyQuestion:
    question = db.session.get(SurveyQuestion, question_id)
    if question is None or question.template_id != template.id:
        abort(404)
    return question


def blocks_in(template: SurveyTemplate) -> list[blocks.Block]:
    """The standard blocks the template holds, in the order they first appear."""
    codes = dict.fromkeys(question.block for question in template.questions if question.block)
    return [blocks.BLOCKS[code] for code in codes if code in blocks.BLOCKS]


def blocks_to_add(template: SurveyTemplate) -> list[blocks.Block]:
    held = {block.code for block in blocks_in(template)}
    return [block for code, block in blocks.BLOCKS.items() if code not in held]


def ready_attributes_to_add(template: SurveyTemplate) -> dict[str, ReadyAttribute]:
    keys = {question.key for question in template.questions}
    return {code: ready for code, ready in READY_ATTRIBUTES.items() if ready.key not in keys}


# ---- parsing what officers type ------------------------------------------------------------------------


def parse_options(text: str) -> list[str]:
    """One option a line; blank lines are skipped. Refuses too few, too many, too long or repeated options."""
    options = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(options) < MIN_OPTIONS:
        raise AuthoringError(f"Enter at least {MIN_OPTIONS} options, one on each line", "options")
    if len(options) > MAX_OPTIONS:
        raise AuthoringError(f"Enter no more than {MAX_OPTIONS} options", "options")
    for option in options:
        if len(option) > MAX_OPTION_LENGTH:
            raise AuthoringError(f"Keep each option to {MAX_OPTION_LENGTH} characters or fewer", "options")
    seen: set[str] = set()
    for option in options:
        if option.casefold() in seen:
            raise AuthoringError(f"“{option}” is listed twice: each option must be different", "options")
        seen.add(option.casefold())
    return options


def parse_statement_tags(text: str) -> list[str]:
    """Statements written "1.2, 3.1" (commas or spaces between), each once, in the order given."""
    tags = [tag for tag in re.split(r"[\s,;]+", text or "") if tag]
    for tag in tags:
        if not STATEMENT_TAG.fullmatch(tag):
            raise AuthoringError(f"“{tag}” is not a statement. {TAGS_MESSAGE}", "statement_tags")
    return list(dict.fromkeys(tags))


def with_prefer_not_to_say_last(options: list[str]) -> list[str]:
    """An attribute's options always end with "Prefer not to say", added if the officer left it out."""
    others = [option for option in options if option.casefold() != blocks.PREFER_NOT_TO_SAY.casefold()]
    return [*others, blocks.PREFER_NOT_TO_SAY]


# ---- templates -----------------------------------------------------------------------------------------


def _check_unlocked(template: SurveyTemplate) -> None:
    if template.locked:
        raise TemplateLocked


def _check_name(name: str, description: str) -> tuple[str, str]:
    name, description = (name or "").strip(), (description or "").strip()
    if not name:
        raise AuthoringError("Enter the template's name", "name")
    if len(name) > 200:
        raise AuthoringError("Keep the name to 200 characters or fewer", "name")
    if len(description) > 2000:
        raise AuthoringError("Keep the description to 2000 characters or fewer", "description")
    return name, description


def create_template(name: str, description: str = "", *, by: User | None) -> SurveyTemplate:
    name, description = _check_name(name, description)
    template = SurveyTemplate(name=name, description=description)
    db.session.add(template)
    db.session.flush()
    audit.record(by, "surveys.template-created", f"Created the survey template {name}", target=template)
    return template


def update_template(template: SurveyTemplate, name: str, description: str, *, by: User) -> SurveyTemplate:
    _check_unlocked(template)
    name, description = _check_name(name, description)
    changed = {
        attribute: [getattr(template, attribute), value]
        for attribute, value in (("name", name), ("description", description))
        if getattr(template, attribute) != value
    }
    template.name, template.description = name, description
    db.session.flush()
    audit.record(by, "surveys.template-updated", f"Edited the survey template {name}", target=template, detail=changed)
    return template


def set_archived(template: SurveyTemplate, archived: bool, *, by: User) -> None:
    """Archive (hide from the choice for a new round) or bring back. Allowed when locked: nothing asked changes."""
    template.archived = archived
    db.session.flush()
    action, verb = ("archived", "Archived") if archived else ("restored", "Brought back")
    audit.record(by, f"surveys.template-{action}", f"{verb} the survey template {template.name}", target=template)


def copy_template(template: SurveyTemplate, *, by: User) -> SurveyTemplate:
    """A new, unlocked template "Copy of <name>" with every question as it is, keys included."""
    copy = SurveyTemplate(name=f"Copy of {template.name}"[:200], description=template.description)
    copy.questions = [
        SurveyQuestion(
            position=position,
            key=question.key,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            options=list(question.options),
            block=question.block,
            is_attribute=question.is_attribute,
            statement_tags=list(question.statement_tags),
        )
        for position, question in enumerate(template.questions)
    ]
    db.session.add(copy)
    db.session.flush()
    audit.record(
        by,
        "surveys.template-copied",
        f"Copied the survey template {template.name}",
        target=copy,
        detail={"copied_from": template.id},
    )
    return copy


# ---- questions -----------------------------------------------------------------------------------------


def _new_key(template: SurveyTemplate) -> str:
    taken = {question.key for question in template.questions}
    while (key := f"q.{secrets.token_hex(4)}") in taken:
        pass
    return key


def _append(template: SurveyTemplate, question: SurveyQuestion) -> SurveyQuestion:
    question.position = max((q.position for q in template.questions), default=-1) + 1
    template.questions.append(question)
    return question


def _checked(data: QuestionInput) -> QuestionInput:
    """The question as it will be stored: validated, with the options its kind needs."""
    text, help_text = (data.text or "").strip(), (data.help_text or "").strip()
    if not text:
        raise AuthoringError("Enter the question", "text")
    if len(text) > 500:
        raise AuthoringError("Keep the question to 500 characters or fewer", "text")
    if len(help_text) > 1000:
        raise AuthoringError("Keep the help text to 1000 characters or fewer", "help_text")
    if data.kind not in {kind.value for kind in AUTHORED_KINDS}:
        raise AuthoringError("Choose the kind of answer", "kind")
    kind = QuestionKind(data.kind)
    if data.is_attribute and kind is not QuestionKind.SINGLE_CHOICE:
        raise AuthoringError("A self-reported attribute must be a single choice question", "kind")
    if kind in CHOICE_KINDS:
        options = parse_options("\n".join(data.options))
    else:
        options = list(blocks.AGREEMENT_OPTIONS) if kind is QuestionKind.AGREEMENT else []
    if data.is_attribute:
        options = with_prefer_not_to_say_last(options)
        if len(options) <= MIN_OPTIONS:
            raise AuthoringError(f"Enter at least {MIN_OPTIONS} options besides “Prefer not to say”", "options")
    tags = parse_statement_tags(" ".join(data.statement_tags))
    return QuestionInput(
        kind=kind.value,
        text=text,
        help_text=help_text,
        # Members are never made to say who they are: an attribute is always optional.
        required=bool(data.required) and not data.is_attribute,
        options=options,
        statement_tags=tags,
        is_attribute=bool(data.is_attribute),
    )


QUESTION_FIELDS = ("kind", "text", "help_text", "required", "options", "statement_tags", "is_attribute")


def add_question(template: SurveyTemplate, data: QuestionInput, *, by: User) -> SurveyQuestion:
    _check_unlocked(template)
    checked = _checked(data)
    question = _append(
        template, SurveyQuestion(key=_new_key(template), **{name: getattr(checked, name) for name in QUESTION_FIELDS})
    )
    db.session.flush()
    audit.record(
        by,
        "surveys.question-added",
        f"Added a question to the survey template {template.name}",
        target=template,
        detail={"question": question.key, "text": question.text, "kind": question.kind},
    )
    return question


def update_question(question: SurveyQuestion, data: QuestionInput, *, by: User) -> SurveyQuestion:
    """Change a question written for this template; a standard block's questions only take new tags."""
    template = question.template
    _check_unlocked(template)
    if question.block:
        raise AuthoringError("Questions from a standard block keep their wording: only their tags can change")
    checked = _checked(data)
    changed = {}
    for name in QUESTION_FIELDS:
        before, after = getattr(question, name), getattr(checked, name)
        if before != after:
            changed[name] = [before, after]
            setattr(question, name, after)
    db.session.flush()
    audit.record(
        by,
        "surveys.question-updated",
        f"Edited a question of the survey template {template.name}",
        target=template,
        detail={"question": question.key, **changed},
    )
    return question


def update_statement_tags(question: SurveyQuestion, tags_text: str, *, by: User) -> SurveyQuestion:
    """Re-tag any question, standard block questions included."""
    _check_unlocked(question.template)
    tags = parse_statement_tags(tags_text)
    before, question.statement_tags = question.statement_tags, tags
    db.session.flush()
    audit.record(
        by,
        "surveys.question-updated",
        f"Changed the statement tags of a question of the survey template {question.template.name}",
        target=question.template,
        detail={"question": question.key, "statement_tags": [before, tags]} if before != tags else {},
    )
    return question


def _renumber(template: SurveyTemplate) -> None:
    for position, question in enumerate(sorted(template.questions, key=lambda q: q.position)):
        question.position = position
    db.session.flush()


def delete_question(question: SurveyQuestion, *, by: User) -> None:
    """Remove a question; a standard block's questions leave only with their whole block."""
    template = question.template
    _check_unlocked(template)
    if question.block:
        raise AuthoringError("Questions from a standard block can only be removed with the whole block")
    template.questions.remove(question)
    _renumber(template)
    audit.record(
        by,
        "surveys.question-deleted",
        f"Removed a question from the survey template {template.name}",
        target=template,
        detail={"question": question.key, "text": question.text},
    )


def move_question(question: SurveyQuestion, step: int, *, by: User) -> None:
    """Swap the question with the one before (step -1) or after (step +1); at either end nothing moves."""
    template = question.template
    _check_unlocked(template)
    ordered = sorted(template.questions, key=lambda q: q.position)
    index = ordered.index(question)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position
    db.session.flush()
    audit.record(
        by,
        "surveys.question-moved",
        f"Moved a question {'up' if step < 0 else 'down'} in the survey template {template.name}",
        target=template,
        detail={"question": question.key, "position": [index, other]},
    )


# ---- standard blocks and ready-made attributes ---------------------------------------------------------


def add_block(template: SurveyTemplate, code: str, *, by: User) -> list[SurveyQuestion]:
    """Add a standard block whole, in its order, at the end; each block at most once."""
    _check_unlocked(template)
    block = blocks.BLOCKS.get(code)
    if block is None:
        raise AuthoringError("Choose one of the standard blocks", "block")
    if any(question.block == code for question in template.questions):
        raise AuthoringError(f"This template already has the {block.name}", "block")
    keys = {question.key for question in template.questions}
    clashes = [standard.key for standard in block.questions if standard.key in keys]
    if clashes:
        raise AuthoringError(f"This template already has questions of the {block.name}", "block")
    added = [
        _append(
            template,
            SurveyQuestion(
                key=standard.key,
                kind=standard.kind.value,
                text=standard.text,
                help_text=standard.help_text,
                options=list(standard.options),
                required=standard.required,
                block=code,
                statement_tags=list(standard.statement_tags),
            ),
        )
        for standard in block.questions
    ]
    db.session.flush()
    audit.record(
        by,
        "surveys.block-added",
        f"Added the {block.name} to the survey template {template.name}",
        target=template,
        detail={"block": code},
    )
    return added


def remove_block(template: SurveyTemplate, code: str, *, by: User) -> None:
    _check_unlocked(template)
    block = blocks.BLOCKS.get(code)
    members = [question for question in template.questions if question.block == code]
    if block is None or not members:
        raise AuthoringError("This template does not have that block", "block")
    for question in members:
        template.questions.remove(question)
    _renumber(template)
    audit.record(
        by,
        "surveys.block-removed",
        f"Removed the {block.name} from the survey template {template.name}",
        target=template,
        detail={"block": code},
    )


def add_ready_attribute(template: SurveyTemplate, code: str, *, by: User) -> SurveyQuestion:
    """Add one of the ready-made attribute questions (optional, single choice, "Prefer not to say" last)."""
    _check_unlocked(template)
    ready = READY_ATTRIBUTES.get(code)
    if ready is None:
        raise AuthoringError("Choose one of the ready-made questions", "attribute")
    if any(question.key == ready.key for question in template.questions):
        raise AuthoringError(f"This template already asks “{ready.text}”", "attribute")
    question = _append(
        template,
        SurveyQuestion(
            key=ready.key,
            kind=QuestionKind.SINGLE_CHOICE.value,
            text=ready.text,
            options=with_prefer_not_to_say_last(ready.options),
            required=False,
            is_attribute=True,
            statement_tags=[],
        ),
    )
    db.session.flush()
    audit.record(
        by,
        "surveys.question-added",
        f"Added “{ready.text}” to the survey template {template.name}",
        target=template,
        detail={"question": ready.key, "text": ready.text, "kind": question.kind},
    )
    return question
