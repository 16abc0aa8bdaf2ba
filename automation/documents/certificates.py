"""Certificates: one .docx per winner or runner-up, plus one combined file for printing."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from automation.documents.citation import citation
from automation.documents.context import Award, Branding
from automation.documents.filenames import unique_stem
from automation.documents.render import DEFAULT_TEMPLATE_DIR, DocxRenderer, Image, clean_text
from automation.keys import key_of

COMBINED_NAME = "print-all-certificates.docx"
LOGO_HEIGHT_MM = 14


@dataclass(frozen=True)
class CertificateRun:
    """What a certificate run wrote: each award with its own file, and the combined file."""

    files: list[tuple[Award, Path]]
    combined: Path | None

    @property
    def paths(self) -> list[Path]:
        """Every file written, individual certificates first."""
        return [path for _, path in self.files] + ([self.combined] if self.combined else [])


def certificate_fields(award: Award, signatory: str = "") -> dict[str, Any]:
    """The plain values one certificate page shows (the template's ``c``).

    The presenter is shown only when someone other than the signatory presents the award
    (the signature already names the signatory); a winner's certificate says what the award
    is in the lower third.
    """
    team, site = (clean_text(part, single_line=True) for part in (award.team, award.site))
    # A team award names the team already; show only where it works.
    unit = site if award.is_team else " · ".join(part for part in (team, site) if part)
    return {
        "winner": award.is_winner,
        "nominee": clean_text(award.nominee, single_line=True),
        "unit": unit,
        "category": clean_text(award.category, single_line=True),
        "period": clean_text(award.period, single_line=True),
        "team_award": award.is_team,
        "customer_nominated": award.award_kind == "customer-nominated",
        "citation": citation(award),
        "presented_by": award.presented_by or "",
        "presenter": ""
        if not award.presented_by or key_of(award.presented_by) == key_of(signatory)
        else clean_text(award.presented_by, single_line=True),
        "presented_on": award.presented_on,
        "award_line": _award_line(award),
    }


def _award_line(award: Award) -> str:
    """``The award: a framed certificate, a £75 voucher and an extra day of leave``."""
    what = clean_text(award.award_description or "", single_line=True).strip().rstrip(".")
    if not award.is_winner or not what:
        return ""
    return f"The award: {what}"


def _logo(branding: Branding) -> Image | None:
    # A logo that has been moved or deleted is skipped rather than stopping a print run.
    if branding.logo_path and Path(branding.logo_path).is_file():
        return Image(Path(branding.logo_path), height_mm=LOGO_HEIGHT_MM)
    return None


def _progress(total: int, enabled: bool) -> tqdm:
    return tqdm(
        total=total,
        desc="Certificates",
        unit="doc",
        file=sys.stderr,
        disable=not enabled or not sys.stderr.isatty(),
    )


def write_certificates(
    awards: Sequence[Award],
    branding: Branding,
    out_dir: Path,
    *,
    template: Path | None = None,
    individual: bool = True,
    combined: bool = True,
    progress: bool = True,
) -> CertificateRun:
    """Write a certificate per award (winner or runner-up) and one combined file for printing.

    File names are ``<category>-<nominee>.docx`` slugs (runners-up end in ``-commendation``),
    made unique within the run. The combined file is rendered in one pass from the same
    template, one page per award, so it prints exactly like the separate files.
    """
    out_dir = Path(out_dir)
    renderer = DocxRenderer(
        Path(template) if template else DEFAULT_TEMPLATE_DIR / "certificate.docx",
        branding.primary_colour,
        branding.accent_colour,
    )
    shared = {
        "organisation": clean_text(branding.organisation, single_line=True),
        "signatory_name": clean_text(branding.signatory_name, single_line=True),
        "signatory_title": clean_text(branding.signatory_title, single_line=True),
        "logo": "",
    }
    logo = _logo(branding)
    images = {"logo": logo} if logo else {}
    pages = [certificate_fields(award, branding.signatory_name) for award in awards]
    taken = {COMBINED_NAME.removesuffix(".docx")}
    files: list[tuple[Award, Path]] = []
    steps = len(awards) * individual + (1 if combined and awards else 0)
    with _progress(steps, progress) as bar:
        if individual:
            for award, page in zip(awards, pages, strict=True):
                parts = [award.category, award.nominee]
                if not award.is_winner:
                    parts.append("commendation")
                path = out_dir / f"{unique_stem(parts, taken)}.docx"
                renderer.render({**shared, "certificates": [page]}, path, images)
                files.append((award, path))
                bar.update()
        combined_path = None
        if combined and awards:
            combined_path = renderer.render(
                {**shared, "certificates": pages}, out_dir / COMBINED_NAME, images
            )
            bar.update()
    return CertificateRun(files=files, combined=combined_path)
