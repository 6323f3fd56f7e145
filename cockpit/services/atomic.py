"""One decorator for every read-decide-write use case: the whole use case runs under the store's
lock (``Store.atomic``), so two processes (two CLI calls, the TUI and the CLI) never both decide
from the same state. Blocks nest; keep network and user input outside."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from cockpit.context import Context

F = TypeVar("F", bound=Callable[..., Any])


def atomic(fn: F) -> F:
    """``fn(ctx, ...)`` as one step under the store's lock."""

    @functools.wraps(fn)
    def wrapper(ctx: Context, *args: Any, **kwargs: Any) -> Any:
        with ctx.store.atomic():
            return fn(ctx, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
