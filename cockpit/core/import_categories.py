"""Which of the configured categories an imported row goes to: the user's ``import_map`` or
``--map`` first, then a category's own id or name, then a common project/tag name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Common project and tag names -> the default categories' ids. Used after the user's
# ``import_map``/``--map`` and after a category's own id or name; a target that is not one of the
# configured categories is skipped. Names are compared lower-case, with ``_``/space as ``-``.
COMMON_NAMES: dict[str, str] = {
    **dict.fromkeys(
        ("data", "data-prep", "data-preparation", "preprocessing", "pre-processing", "cleaning",
         "data-cleaning", "dataset", "datasets", "etl", "labeling", "labelling", "annotation"),
        "data",
    ),
    **dict.fromkeys(
        ("model", "models", "model-dev", "modeling", "modelling", "development", "dev", "coding",
         "code", "experiment", "experiments", "experimentation", "implementation", "prototyping",
         "prototype", "debugging"),
        "model",
    ),
    **dict.fromkeys(
        ("training", "train", "fine-tuning", "finetuning", "deploy", "deployment", "mlops",
         "infra", "infrastructure"),
        "training",
    ),
    **dict.fromkeys(
        ("eval", "evals", "evaluation", "analysis", "benchmark", "benchmarks", "benchmarking",
         "metrics", "testing", "ablation", "ablations"),
        "eval",
    ),
    **dict.fromkeys(
        ("research", "reading", "papers", "paper", "literature", "learning", "study", "studying",
         "course", "courses"),
        "research",
    ),
    **dict.fromkeys(
        ("meeting", "meetings", "collaboration", "call", "calls", "sync", "standup", "stand-up",
         "1:1", "one-on-one", "seminar", "talk", "talks", "interview"),
        "meetings",
    ),
    **dict.fromkeys(
        ("docs", "doc", "documentation", "writing", "report", "reporting", "reports", "thesis",
         "slides", "blog", "paper-writing"),
        "docs",
    ),
    **dict.fromkeys(
        ("admin", "administration", "administrative", "email", "emails", "mail", "planning",
         "travel", "expenses", "hr", "organisation", "organization"),
        "admin",
    ),
    **dict.fromkeys(("switching", "context-switching", "interruption", "interruptions"), "switching"),
}  # fmt: skip


def _norm(name: str) -> str:
    return "-".join(name.strip().lower().replace("_", " ").split())


def map_category(names: Sequence[str], mapping: dict[str, str], categories: Sequence[Any]) -> str | None:
    """The category id for the first name that ``mapping`` matches, else the first name that is
    a category's id or name or a common name (``COMMON_NAMES``)."""
    found = explain_category(names, mapping, categories)
    return found[0] if found else None


def explain_category(
    names: Sequence[str], mapping: dict[str, str], categories: Sequence[Any]
) -> tuple[str, str, str] | None:
    """(category id, the name that decided it, how: ``map``, ``category`` or ``common``)."""
    lowered = {k.strip().lower(): v for k, v in mapping.items()}
    for n in names:
        target = lowered.get(n.strip().lower())
        if target is not None:
            found = resolve_category(target, categories)
            if found is not None:
                return found, n, "map"
    ids = {c.id for c in categories}
    for n in names:  # project first, then tags: the first name that names a category decides
        low = n.strip().lower()
        for c in categories:
            if low in (c.id.lower(), c.name.lower()):
                return c.id, n, "category"
        target = COMMON_NAMES.get(_norm(n))
        if target in ids:
            return target, n, "common"
    return None


def valid_categories(categories: Sequence[Any]) -> str:
    """``data (d) = Data Preprocessing/Cleaning, ...``: what ``--map NAME=CATEGORY`` accepts."""
    return ", ".join(f"{c.id} ({c.key}) = {c.name}" for c in categories)


def resolve_category(text: str, categories: Sequence[Any]) -> str | None:
    """Category id for an id, a name or a one-letter key, case-insensitively."""
    low = text.strip().lower()
    for c in categories:
        if low in (c.id.lower(), c.name.lower()) or (len(low) == 1 and low == c.key.lower()):
            return c.id
    return None
