"""Safe, unique file names for generated documents."""

from __future__ import annotations

import re
import unicodedata

_MAX_SLUG = 60  # keeps full paths well inside Windows' 260-character limit


def slugify(text: str, fallback: str = "item") -> str:
    """Lower-case ASCII words joined by hyphens: ``Zoë & Bob's Team`` → ``zoe-bob-s-team``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:_MAX_SLUG].rstrip("-")
    return slug or fallback


def unique_stem(parts: list[str], taken: set[str]) -> str:
    """A slug of ``parts`` not yet in ``taken`` (compared case-insensitively), then record it.

    Clashes get ``-2``, ``-3``… so two nominees with the same name never overwrite each other.
    """
    stem = "-".join(slugify(part) for part in parts if part) or "document"
    candidate, number = stem, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem}-{number}"
    taken.add(candidate.lower())
    return candidate
