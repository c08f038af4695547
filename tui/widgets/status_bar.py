"""The line under the chat: model, backend, speed of the last reply, context fill."""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Static

from ..i18n import t


@dataclass
class Status:
    model: str = ""
    backend: str = ""
    loading: bool = False
    tokens_per_s: float | None = None
    used: int | None = None
    n_ctx: int | None = None
    dropped: int = 0


class StatusBar(Static):
    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__("", markup=False, **kwargs)
        self.status = Status()
        self.language = "en"

    def show(self, language: str | None = None, **changes: object) -> None:
        if language is not None:
            self.language = language
        for key, value in changes.items():
            setattr(self.status, key, value)
        self.update(self.render_status())

    def render_status(self) -> str:
        s, lang = self.status, self.language
        if s.loading:
            return t("status.loading", lang, model=s.model)
        if not s.model:
            return t("status.no_model", lang)
        parts = [s.model, s.backend or "?"]
        if s.tokens_per_s is not None:
            parts.append(t("status.tps", lang, tps=s.tokens_per_s))
        if s.used is not None and s.n_ctx:
            parts.append(t("status.context", lang, used=s.used, n_ctx=s.n_ctx,
                           pct=100 * s.used / s.n_ctx))
        if s.dropped:
            parts.append("⚠ " + t("status.dropped", lang, n=s.dropped))
        return " · ".join(parts)
