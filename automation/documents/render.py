"""Shared, sandboxed rendering of .docx templates (docxtpl) and plain-text email templates.

Why a sandbox: managers edit the templates by hand, and the values come from a workbook that
anyone can type into. Templates render in an immutable jinja2 sandbox that may only look at
plain strings, numbers, lists and dicts, so neither a template nor a value can reach Python
objects or docxtpl's own classes. Every value is escaped (``autoescape``): without it a ``&``
or ``<`` in a name silently drops the paragraph from the .docx.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from automation.documents.atomic_file import write_file
from automation.documents.docx_package import PackageTemplate
from automation.documents.english import long_date
from automation.documents.text import clean_text
from automation.errors import UserError

# The palette build_templates writes. At render time these exact colours are swapped for the
# branding colours; any colour a manager picks by hand in Word is left alone.
TEMPLATE_PRIMARY = "1F4E79"
TEMPLATE_ACCENT = "C9A227"

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"

_PLAIN_TYPES = (str, int, float, bool, type(None), dict, list, tuple)
_HEX_COLOUR = re.compile(r"^#?([0-9A-Fa-f]{6})$")


class _PlainOnlySandbox(ImmutableSandboxedEnvironment):
    """A sandbox that only lets templates use attributes of plain data types."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not isinstance(obj, _PLAIN_TYPES):
            return False
        return super().is_safe_attribute(obj, attr, value)


class _CachingSandbox(_PlainOnlySandbox):
    """Compiles each distinct template text once: 1,000 certificates (or the emails to every
    winner and line manager) share one compile per template."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:  # noqa: A002
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


def _none_as_blank(value: Any) -> Any:
    return "" if value is None else value


def docx_environment() -> ImmutableSandboxedEnvironment:
    """The sandboxed, autoescaping jinja2 environment every .docx template renders in."""
    env = _CachingSandbox(autoescape=True, undefined=StrictUndefined, finalize=_none_as_blank)
    return env


def text_environment() -> ImmutableSandboxedEnvironment:
    """The sandboxed environment for plain-text email templates (no HTML escaping: plain text)."""
    return _CachingSandbox(
        autoescape=False,
        undefined=StrictUndefined,
        finalize=_none_as_blank,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def plain(value: Any) -> Any:
    """Turn a value into template-safe plain data, cleaning every string on the way.

    Dates become British long dates and paths become strings. Anything else that is not plain
    data is a programming mistake, so it raises TypeError rather than reaching a template.
    """
    if isinstance(value, Markup):
        return value  # trusted markup we made ourselves (embedded images)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    raise TypeError(f"not plain template data: {type(value).__name__}")


def hex_colour(colour: str, what: str = "colour") -> str:
    """Validate ``#RRGGBB`` and return ``RRGGBB`` in upper case (as Word writes it)."""
    match = _HEX_COLOUR.match(colour.strip()) if colour else None
    if not match:
        raise UserError(
            f"The {what} {colour!r} is not a colour code.",
            hint="Write it as a hex code such as #1F4E79.",
        )
    return match.group(1).upper()


@dataclass(frozen=True)
class Image:
    """An image to embed where the template says ``{{ name }}``."""

    source: Path | bytes
    width_mm: float | None = None
    height_mm: float | None = None


_COLOUR_ATTRIBUTES = (qn("w:color"), qn("w:fill"))
_COLOUR_ELEMENT = qn("w:color")


def _swap_colours(template: DocxTemplate, colours: Mapping[str, str]) -> None:
    """Replace the template palette with the branding colours in body, styles and footers.

    Only colour attributes are touched, never text, so a nominee called "1F4E79" is safe.
    """
    roots = [template.docx.element, template.docx.styles.element]
    roots += [
        rel.target_part.element
        for rel in template.docx.part.rels.values()
        if rel.reltype in (RT.HEADER, RT.FOOTER) and hasattr(rel.target_part, "element")
    ]
    for root in roots:
        _swap_colours_in(root, colours)


def _swap_colours_in(root: Any, colours: Mapping[str, str]) -> None:
    swaps = {old: new for old, new in colours.items() if old != new}
    if not swaps:
        return
    for element in root.iter():
        attributes = _COLOUR_ATTRIBUTES
        if element.tag == _COLOUR_ELEMENT:  # <w:color w:val="1F4E79"/>: text colour
            attributes = (qn("w:val"),)
        for attribute in attributes:
            value = element.get(attribute)
            if value is not None and value.upper() in swaps:
                element.set(attribute, swaps[value.upper()])


# Parts besides the body that docxtpl renders too. While none holds a brace, their rendered
# form is the same for every context, so the first render's bytes serve every later one.
_OTHER_RENDERED_PARTS = (CT.WML_HEADER, CT.WML_FOOTER, CT.WML_FOOTNOTES)
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _only_body_varies(template: DocxTemplate) -> bool:
    """Whether, of everything docxtpl renders, only the document body can hold tags."""
    for part in template.docx.part.package.iter_parts():
        if part.content_type in _OTHER_RENDERED_PARTS and b"{" in part.blob:
            return False
    core = template.docx.core_properties
    return not any("{" in (getattr(core, name) or "") for name in _RENDERED_PROPERTIES)


@dataclass
class _Base:
    """A rendered template kept to render the body again and reuse the rest of the package."""

    template: DocxTemplate
    source: str  # the body as docxtpl gives it to jinja
    package: PackageTemplate
    images: dict[str, Image]
    markup: dict[str, Markup]

    @classmethod
    def of(
        cls,
        template: DocxTemplate,
        source: str,
        package: bytes,
        images: dict[str, Image],
        markup: dict[str, Markup],
        only_body_varies: bool,
    ) -> _Base | None:
        """The reusable base, or None when each render must go the whole docxtpl way."""
        parts = PackageTemplate.from_bytes(package) if only_body_varies else None
        if parts is None or _member(template) not in parts.names:
            return None
        return cls(template, source, parts, images, markup)

    def render(self, data: Mapping[str, Any], env: Any, colours: Mapping[str, str]) -> bytes:
        """The package for ``data``: docxtpl's own body steps, then the other parts as bytes."""
        template = self.template
        xml = template.render_xml_part(self.source, template.docx.part, data, env)
        body = template.fix_tables(xml)
        template.docx_ids_index = 1000  # as docxtpl's render_init sets it for each render
        template.fix_docpr_ids(body)
        template.map_tree(body)
        _swap_colours_in(body, colours)
        return self.package.write({_member(template): template.docx.part.blob})


def _member(template: DocxTemplate) -> str:
    return template.docx.part.partname.membername


class DocxRenderer:
    """Renders one .docx template many times without re-reading it from disk.

    Create one per template and call :meth:`render` per document. The first render goes the
    whole docxtpl way; it is kept as the base for the next ones, which only fill in the body
    again (the jinja compile is cached) and copy every other part of the package as bytes:
    a thousand certificates cost a thousand small renders, not a thousand Word packages.
    """

    def __init__(
        self,
        template_path: Path,
        primary_colour: str = "#" + TEMPLATE_PRIMARY,
        accent_colour: str = "#" + TEMPLATE_ACCENT,
    ) -> None:
        self.template_path = Path(template_path)
        if not self.template_path.is_file():
            raise UserError(
                f"The template {self.template_path} is missing.",
                hint="Rebuild the standard templates with "
                "'python -m automation.documents.build_templates', or point to your own copy.",
            )
        self._bytes = self.template_path.read_bytes()
        if not zipfile.is_zipfile(io.BytesIO(self._bytes)):
            raise UserError(
                f"The template {self.template_path.name} is not a Word .docx file.",
                hint="Save it from Word as 'Word Document (*.docx)'.",
            )
        self._colours = {
            TEMPLATE_PRIMARY: hex_colour(primary_colour, "primary colour"),
            TEMPLATE_ACCENT: hex_colour(accent_colour, "accent colour"),
        }
        self._env = docx_environment()
        self._base: _Base | None = None

    def render(
        self,
        context: Mapping[str, Any],
        out_path: Path,
        images: Mapping[str, Image] | None = None,
    ) -> Path:
        """Render ``context`` (plain data only) into ``out_path`` and return the path."""
        data = plain(context)
        images = dict(images or {})
        base = self._base
        if base is not None and base.images == images:
            data.update(base.markup)
            with self._template_errors(data):
                package = base.render(data, self._env, self._colours)
        else:
            package, self._base = self._first_render(data, images)
        return write_file(Path(out_path), package)

    def _first_render(
        self, data: dict[str, Any], images: dict[str, Image]
    ) -> tuple[bytes, _Base | None]:
        """The whole docxtpl render and save, and what later renders can reuse of it."""
        try:
            template = DocxTemplate(io.BytesIO(self._bytes))
            template.init_docx()
        except (PackageNotFoundError, KeyError, zipfile.BadZipFile) as exc:
            raise UserError(
                f"The template {self.template_path.name} is damaged ({exc}).",
                hint="Open it in Word, save it again as .docx, or rebuild the standard templates.",
            ) from exc
        markup = {name: self._embed(template, image) for name, image in images.items()}
        data.update(markup)
        # The body as docxtpl hands it to jinja: taken before rendering replaces it.
        source = template.patch_xml(template.get_xml())
        only_body_varies = _only_body_varies(template)
        with self._template_errors(data):
            template.render(data, jinja_env=self._env, autoescape=True)
        _swap_colours(template, self._colours)
        buffer = io.BytesIO()
        template.save(buffer)
        package = buffer.getvalue()
        return package, _Base.of(template, source, package, images, markup, only_body_varies)

    @contextlib.contextmanager
    def _template_errors(self, data: Mapping[str, Any]) -> Iterator[None]:
        """Mistakes in a hand-edited template become a UserError naming the template."""
        try:
            yield
        except SecurityError as exc:
            raise UserError(
                f"The template {self.template_path.name} tries to use something templates "
                f"may not touch ({exc}).",
                hint="Only use the fields listed in the templates guide, e.g. {{ c.nominee }}.",
            ) from exc
        except UndefinedError as exc:
            raise UserError(
                f"The template {self.template_path.name} uses a field that does not exist: {exc}.",
                hint=f"Available fields: {', '.join(sorted(_field_names(data)))}.",
            ) from exc
        except TemplateSyntaxError as exc:
            near = " / ".join(line for line in getattr(exc, "docx_context", []) if line.strip())
            raise UserError(
                f"The template {self.template_path.name} has a broken tag: {exc.message}.",
                hint="Open it in Word and check that every {{ }} and {% %} tag is complete"
                + (f", near: {near[:200]}" if near else "."),
            ) from exc
        except (TemplateError, OverflowError, RecursionError) as exc:
            # OverflowError: the sandbox refuses a huge range(); RecursionError: a macro
            # calling itself. Both are mistakes in a hand-edited template.
            raise UserError(
                f"The template {self.template_path.name} could not be filled in: {exc}.",
                hint="Open it in Word and check the tags you changed.",
            ) from exc

    @staticmethod
    def _embed(template: DocxTemplate, image: Image) -> Markup:
        """Add the picture to the document now and hand the template its run XML as markup.

        docxtpl's InlineImage would put a docxtpl object (with a handle on the whole template)
        into the context; inserting the picture ourselves keeps the context plain data.
        """
        source = io.BytesIO(image.source) if isinstance(image.source, bytes) else str(image.source)
        try:
            inline = template.docx.part.new_pic_inline(
                source,
                Mm(image.width_mm) if image.width_mm else None,
                Mm(image.height_mm) if image.height_mm else None,
            )
        except (UnrecognizedImageError, OSError) as exc:
            raise UserError(
                f"The picture {image.source if isinstance(image.source, Path) else ''} "
                "could not be read.",
                hint="Use a .png or .jpg file.",
            ) from exc
        return Markup(
            '</w:t></w:r><w:r><w:drawing>{}</w:drawing></w:r><w:r><w:t xml:space="preserve">'
        ).format(Markup(inline.xml))


def _field_names(data: Mapping[str, Any], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for key, value in data.items():
        names.add(prefix + key)
        if isinstance(value, list) and value and isinstance(value[0], Mapping):
            names |= {f"{prefix}{key}[].{sub}" for sub in value[0]}
    return names


def render_text(env: ImmutableSandboxedEnvironment, source: str, context: Mapping[str, Any]) -> str:
    """Render a plain-text template in the sandbox, turning template mistakes into UserError."""
    try:
        return env.from_string(source).render(plain(context))
    except SecurityError as exc:
        raise UserError(
            f"An email template tries to use something it may not touch ({exc})."
        ) from exc
    except UndefinedError as exc:
        raise UserError(
            f"An email template uses a field that does not exist: {exc}.",
            hint=f"Available fields: {', '.join(sorted(_field_names(plain(context))))}.",
        ) from exc
    except TemplateError as exc:
        raise UserError(f"An email template has a broken tag: {exc}.") from exc
    except (OverflowError, RecursionError) as exc:  # a huge range() or a runaway macro
        raise UserError(
            f"An email template asks for too much work: {str(exc).rstrip('.')}.",
            hint="Check the loops you added to the email templates.",
        ) from exc
