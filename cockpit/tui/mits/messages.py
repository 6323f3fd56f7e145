"""What the MITs screens ask of the pane that opened them: they post these to it (their
``target``) and never import it. One-shot results come back through ``dismiss`` instead."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class TaskMessage(Message, bubble=False):
    """A change a view asks for on one task."""

    def __init__(self, task_id: str) -> None:
        super().__init__()
        self.task_id = task_id


class ToggleDone(TaskMessage):
    """Mark the task done, or open again."""


class ToggleMit(TaskMessage):
    """Make the task one of today's MITs, or not any more."""


class SetQuadrant(TaskMessage):
    """Move the task into a quadrant of the impact x effort matrix."""

    def __init__(self, task_id: str, quadrant: str) -> None:
        super().__init__(task_id)
        self.quadrant = quadrant


class MoveStage(TaskMessage):
    """Move the task one lifecycle stage on (+1) or back (-1)."""

    def __init__(self, task_id: str, step: int) -> None:
        super().__init__(task_id)
        self.step = step


class UndoChange(Message, bubble=False):
    """Undo the last task change."""


class AddTask(Message, bubble=False):
    """Open the task form to add a task."""


class ViewClosed(Message, bubble=False):
    """A view the pane keeps up to date (matrix, board, morning plan) has closed."""

    def __init__(self, view: Any) -> None:
        super().__init__()
        self.view = view
