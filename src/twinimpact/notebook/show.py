"""What a notebook cell shows: :func:`show` displays what a section function returns, and
:func:`text` is a sentence for it. Section functions (:mod:`.sections`) decide what a
reader sees, and return it, so that tests can read it and a notebook cell is one call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from twinimpact.words.narrate import esc


@dataclass(frozen=True)
class Text:
    """A Markdown paragraph for a notebook, its values already HTML-escaped."""

    markdown: str

    def _repr_markdown_(self) -> str:
        return self.markdown


def text(template: str, **values: Any) -> Text:
    """``template`` with ``values`` filled in, each escaped (what ``narrate.say`` shows)."""
    return Text(template.format(**{k: esc(v) for k, v in values.items()}))


def items(*parts: Any) -> list[Any]:
    """``parts`` flattened one level, without None: what a section returns."""
    out: list[Any] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, (list, tuple)):
            out.extend(p for p in part if p is not None)
        else:
            out.append(part)
    return out


def show(*parts: Any | Iterable[Any]) -> None:
    """Display every item of ``parts`` in order (figures, tables, :class:`Text`); None and
    empty lists show nothing."""
    from IPython.display import display

    for item in items(*parts):
        display(item)
