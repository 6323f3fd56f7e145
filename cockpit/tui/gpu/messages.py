"""Messages of the GPU pane. A host's poll result can arrive faster than a frame: a queued one is
replaced by a newer result for the same host (``can_replace``), so a stale poll is never drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from cockpit.core.gpu_records import HostState


class HostPolled(Message):
    """One host's poll result, posted from the poll worker as soon as the host answered."""

    def __init__(self, state: HostState) -> None:
        super().__init__()
        self.state = state

    def can_replace(self, message: Message) -> bool:
        # this (older) message is dropped when the next queued one is a newer poll of its host
        return isinstance(message, HostPolled) and message.state.name == self.state.name


class JobsRecorded(Message):
    """The polled hosts after their jobs were advanced and recorded (the jobs table's input)."""

    def __init__(self, states: list[HostState]) -> None:
        super().__init__()
        self.states = states
