"""Care: risk detection, crisis resources, what the model is told and what people read.

Public API (used by the CLI, the chat turn runner and the TUI):

    assess(text) -> Assessment(risk, reasons, score)
    assess_turns(user_turns) -> Assessment for the last turn, judged with those before it
    prepare() -> None: load the assessor's patterns and weights ahead of the first message
    resources_for(locale, configured_region) -> list[Resource(name, contact, region)]
    persona_care(language, resources) -> str   (the persona's standing care paragraph)
    safety_instruction(risk, language) -> str | None   (the extra note for a turn at risk)
    first_run_notice(language) -> str; notice_line(language) -> str
    notice_due(paths) -> bool; mark_notice_shown(paths)
    crisis_banner(language, resources) -> str
    concern_note(language, resources, key) -> str
"""

from .assessor import RISKS, Assessment, assess, prepare
from .conversation import assess_turns
from .first_run import mark_notice_shown, notice_due
from .instructions import persona_care, safety_instruction
from .notice import concern_note, crisis_banner, first_run_notice, notice_line, resource_lines
from .resources import Resource, resources_for

__all__ = [
    "RISKS",
    "Assessment",
    "Resource",
    "assess",
    "assess_turns",
    "concern_note",
    "crisis_banner",
    "first_run_notice",
    "mark_notice_shown",
    "notice_due",
    "notice_line",
    "persona_care",
    "prepare",
    "resource_lines",
    "resources_for",
    "safety_instruction",
]
