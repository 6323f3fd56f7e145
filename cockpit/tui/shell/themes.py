"""Theme files (TOML) -> Textual themes. Built-ins ship from the repo's themes/ folder;
user themes live in the config folder's themes/. A bad file is reported, never fatal."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "cockpit-dark"
COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
    "boost",
)

# Every app token a widget may use in TCSS, with a default so any theme resolves it.
VARIABLE_DEFAULTS: dict[str, str] = {
    "cockpit-run": "#5faf5f",
    "cockpit-break": "#5fafd7",
    "cockpit-overrun": "#d75f5f",
    "cockpit-paused": "#d7af00",
    "cockpit-mit": "#d7af5f",
    "cockpit-muted": "#8a8a8a",
}


class ThemeFileError(Exception):
    pass


def parse_theme(text: str, source: str) -> Theme:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ThemeFileError(f"{source}: invalid TOML: {e}") from None
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(f"{source}: 'name' must be a non-empty string")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name.strip()):
        raise ThemeFileError(f"{source}: 'name' may hold only letters, digits, '-', '_' and '.' (64 at most)")
    colors = data.get("colors", {})
    if not isinstance(colors, dict) or "primary" not in colors:
        raise ThemeFileError(f"{source}: [colors] needs at least 'primary'")
    kwargs: dict[str, str | None] = {}
    for key, value in colors.items():
        if key not in COLOR_KEYS:
            raise ThemeFileError(f"{source}: colors.{key}: unknown colour (known: {', '.join(COLOR_KEYS)})")
        kwargs[key] = _colour(value, f"{source}: colors.{key}")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(f"{source}: [variables] must be a table")
    for key, value in variables.items():
        if not isinstance(value, str):
            raise ThemeFileError(f"{source}: variables.{key}: expected a string")
        if key.startswith("cockpit-"):
            _colour(value, f"{source}: variables.{key}")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError(f"{source}: 'dark' must be true or false")
    return Theme(name=name.strip(), dark=dark, variables=dict(variables), **kwargs)  # type: ignore[arg-type]


def _colour(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{where}: expected a colour string like '#5f87d7'")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{where}: {value!r} is not a colour") from None
    return value


def _builtin_folder() -> Iterable[Path]:
    try:  # the package's folder (importlib.resources would cost more to import than this read)
        import cockpit.builtin_themes as pkg

        return Path(next(iter(pkg.__path__))).iterdir()
    except ModuleNotFoundError:  # running from a source tree without installing
        return Path(__file__).resolve().parents[3].joinpath("themes").iterdir()


def builtin_themes() -> list[Theme]:
    out = []
    for entry in sorted(_builtin_folder(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            out.append(parse_theme(entry.read_text(encoding="utf-8"), entry.name))
    return out


def user_themes(folder: Path) -> tuple[list[Theme], list[str]]:
    themes: list[Theme] = []
    errors: list[str] = []
    if not folder.is_dir():
        return themes, errors
    for path in sorted(folder.glob("*.toml")):
        try:
            themes.append(parse_theme(path.read_text(encoding="utf-8"), str(path)))
        except ThemeFileError as e:
            errors.append(f"theme not loaded: {e}")
        except UnicodeDecodeError:
            errors.append(f"theme not loaded: {path}: not UTF-8 text")
        except OSError as e:
            errors.append(f"theme not loaded: {path}: {e.strerror}")
    return themes, errors
