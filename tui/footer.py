"""The footer's key labels and the command palette's entries, in the app's language.

Part of SoulChatApp (tui/app.py holds the state these methods use).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .i18n import t

# action -> (footer label key, command palette help key)
ACTIONS = {
    "stop": ("bind.stop", "help.stop"),
    "new_session": ("bind.new", "help.new"),
    "regenerate": ("bind.regenerate", "help.regenerate"),
    "edit_last": ("bind.edit", "help.edit"),
    "copy": ("bind.copy", "help.copy"),
    "search": ("bind.search", "help.search"),
    "export": ("bind.export", "help.export"),
    "rename": ("bind.rename", "help.rename"),
    "delete": ("bind.delete", "help.delete"),
    "pick_model": ("bind.model", "help.model"),
    "settings": ("bind.settings", "help.settings"),
    "toggle_sidebar": ("bind.sidebar", "help.sidebar"),
    "toggle_theme": ("bind.theme", "help.theme"),
    "dismiss_banner": ("bind.dismiss", "help.dismiss"),
    "show_earlier": ("bind.earlier", "help.earlier"),
    "toggle_thinking": ("bind.thinking", "help.thinking"),
}
OTHER_LABELS = {
    "submit": "bind.send",
    "newline": "bind.newline",
    "quit": "bind.quit",
    "app.rename": "bind.rename",
    "app.delete": "bind.delete",
}


class FooterWords:
    """Relabels the bindings when the language changes; fills the command palette."""

    def localize_bindings(self) -> None:
        """Footer labels in the current language."""
        chat = self.chat
        nodes = [self, chat]
        if chat.is_mounted:
            nodes += [chat.chat_input, chat.sessions]
        for node in nodes:
            table = node._bindings.key_to_bindings
            for key, bindings in table.items():
                table[key] = [self._localized(b) for b in bindings]
        self.refresh_bindings()

    def _localized(self, binding: Binding) -> Binding:
        action = binding.action
        key = OTHER_LABELS.get(action) or ACTIONS.get(action, (None,))[0]
        return replace(binding, description=t(key, self.language)) if key else binding

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        keys = {
            active.binding.action: self.get_key_display(active.binding)
            for active in screen.active_bindings.values()
        }
        for action, (label, help_key) in ACTIONS.items():
            if action == "stop" and not self.generating:
                continue
            help_text = t(help_key, self.language)
            if action in keys:
                help_text += f" ({keys[action]})"
            yield SystemCommand(
                t(label, self.language), help_text, partial(self.run_action, action)
            )
        for command in super().get_system_commands(screen):
            # Textual's "Screenshot" writes the conversation to a plaintext SVG in the
            # current folder, readable by others: not in a private diary's palette
            if "screenshot" not in f"{command.title} {command.help}".lower():
                yield command
