"""Care: risk detection, crisis resources, the safety instruction and user-facing notices.

Public API (used by the CLI, the chat turn runner and the TUI):

    assess(text) -> Assessment(risk, reasons, score)
    assess_turns(user_turns) -> Assessment for the last turn, judged with those before it
    resources_for(locale) -> list[Resource(name, contact, region)]
    safety_instruction(risk, language) -> str | None
    first_run_notice(language) -> str
    crisis_banner(language, resources) -> str
"""

from .assessor import RISKS, Assessment, assess
from .conversation import assess_turns
from .instructions import safety_instruction
from .notice import crisis_banner, first_run_notice
from .resources import Resource, resources_for

__all__ = [
    "RISKS",
    "Assessment",
    "Resource",
    "assess",
    "assess_turns",
    "crisis_banner",
    "first_run_notice",
    "resources_for",
    "safety_instruction",
]
