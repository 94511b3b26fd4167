"""What the configuration allows to be written where, and how targets are compared."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .kinds import CHAT_KINDS, KIND_TITLES, NOTE_KINDS, ActionKind

if TYPE_CHECKING:
    from ...connectors.settings import Settings


@dataclass(frozen=True)
class WriteRules:
    """What may be written where: the write settings of the configuration."""

    read_only: bool = False
    channels: tuple[str, ...] = ()
    """Chat channels (names or ids) posts may go to; empty allows none."""
    projects: tuple[str, ...] = ()
    """Tracker project keys issues may be filed in; empty allows none."""
    tickets: bool = True
    """Whether internal notes may be added to tickets."""
    staff_domains: tuple[str, ...] = ()
    """E-mail domains of our own staff: their addresses are not redacted."""

    @classmethod
    def from_settings(cls, settings: Settings) -> WriteRules:
        return cls(
            read_only=settings.read_only,
            channels=settings.write_channels,
            projects=settings.write_projects,
            tickets=settings.write_tickets,
            staff_domains=settings.staff_domains,
        )

    def refusal(self, kind: ActionKind, target: str, *, aliases: Iterable[str] = ()) -> str | None:
        """Why the configuration refuses this write, naming the setting to change; None when allowed.

        Args:
            aliases: other names of the same target (a channel's id and name, as the chat connector
                resolved them); the target is allowed when any of them is.
        """
        if self.read_only:
            return (
                "writes are turned off by CUSTOMER_ESCALATION_READ_ONLY=true; set it to false to allow "
                f"the {KIND_TITLES[kind]}"
            )
        if kind in CHAT_KINDS:
            return self._channel_refusal(kind, target, aliases)
        if kind == "tracker_issue":
            return self._project_refusal(kind, target)
        if kind in NOTE_KINDS and not self.tickets:
            return (
                "internal notes on tickets are turned off by CUSTOMER_ESCALATION_WRITE_TICKETS=false; "
                "set it to true to add them"
            )
        return None

    def _channel_refusal(self, kind: ActionKind, target: str, aliases: Iterable[str]) -> str | None:
        allowed = {normalized_target(kind, c) for c in self.channels}
        if any(normalized_target(kind, name) in allowed for name in (target, *aliases)):
            return None
        listed = ", ".join(self.channels) if self.channels else "none"
        return (
            f"channel {target} is not in CUSTOMER_ESCALATION_WRITE_CHANNELS (allowed: {listed}); "
            "add it there to post to it"
        )

    def _project_refusal(self, kind: ActionKind, target: str) -> str | None:
        if normalized_target(kind, target) in {normalized_target(kind, p) for p in self.projects}:
            return None
        listed = ", ".join(self.projects) if self.projects else "none"
        return (
            f"project {target} is not in CUSTOMER_ESCALATION_WRITE_PROJECTS (allowed: {listed}); "
            "add it there to file issues in it"
        )


def normalized_target(kind: ActionKind, target: str) -> str:
    """The target as keys and allowlists compare it: channels without ``#`` and lower case, projects upper."""
    text = target.strip()
    if kind in CHAT_KINDS:
        return text.removeprefix("#").lower()
    if kind == "tracker_issue":
        return text.upper()
    return text


__all__ = ["WriteRules", "normalized_target"]
