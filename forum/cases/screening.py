"""The de-identification guard applied before anything is published."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from forum.content.deidentify import find_identifiers

KIND_LABELS = {
    "nir": _l("social security number"),
    "name": _l("name of a person"),
    "birth_date": _l("date of birth"),
    "phone": _l("phone number"),
    "email": _l("e-mail address"),
    "address": _l("postal address"),
    "record_number": _l("hospital record number"),
}


class PatientDataFound(Exception):
    """Likely patient identifiers were found and the author did not confirm."""

    def __init__(self, findings: list[dict]):
        super().__init__(findings)
        self.findings = findings

    @property
    def message(self) -> str:
        """What the author is told."""
        return _(
            "This text seems to contain data that could identify a patient. "
            "Remove it, or confirm that it identifies nobody."
        )


def screen(fields: dict[str, str], confirmed: bool) -> None:
    """Refuse texts with likely patient identifiers unless the author confirmed they are not."""
    findings = [
        {**finding.as_dict(), "field": name}
        for name, text in fields.items()
        if text
        for finding in find_identifiers(text)
    ]
    if findings and not confirmed:
        raise PatientDataFound(findings)


def highlight(text: str, findings: list[dict], field: str) -> Markup:
    """The text with each finding of this field wrapped in <mark>, everything else escaped."""
    spans = sorted((f["start"], f["end"], f["kind"]) for f in findings if f.get("field") == field)
    parts, position = [], 0
    for start, end, kind in spans:
        parts.append(escape(text[position:start]))
        parts.append(Markup('<mark title="{}">{}</mark>').format(KIND_LABELS.get(kind, kind), text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
