"""The names the observer form gives its own questions, which no rubric question may take.

A leaf module: the checklist kind's rubric check reads these names when a rubric is
validated, and :mod:`ovm.field.xlsform` writes them into the form.
"""

from __future__ import annotations

TRACE_FIELDS = ("ovm_rubric", "ovm_rubric_version", "ovm_rubric_sha256")
"""Hidden calculated fields: every submission carries the methodology it was collected with."""

VISIT_FIELDS = ("mission", "site_country", "site_city", "site", "observer", "visited_at")
"""The visit's questions, in the order asked: the place is chosen country first, then city."""
DEVICE_FIELDS = ("start", "end", "deviceid", "username")
"""Metadata the collecting app fills in: when the form was opened and saved, on which device,
by which user."""
LOCATION_FIELD = "location"
PHOTO_FIELD = "results_photo"
FORM_EXTRA_FIELDS = (*DEVICE_FIELDS, LOCATION_FIELD, PHOTO_FIELD)
"""Questions of the form kept in exports for the data desk but not scored."""

RESERVED_NAMES = frozenset(
    {*VISIT_FIELDS, "notes", "simulated", *TRACE_FIELDS, *FORM_EXTRA_FIELDS, "meta"}
)
"""Names a family or checklist question cannot take: the form's own questions, the checklist
columns beside the answers, and ``meta`` (the group collecting apps put their metadata in)."""


def reserved_message(node_id: str) -> str:
    """What the ``reserved-name`` issue says of an id, with the fix."""
    return (
        f"{node_id!r} is a name the observer form keeps for the visit's own answers: "
        "give the node another id"
    )


def field_name(node_id: str) -> str:
    """The XLSForm ``name`` of a rubric id; an id starting with a digit gets a leading ``_``.

    XML names cannot start with a digit; rubric ids never start with ``_``, so the mapping is
    reversible (:func:`node_id`). Dots, dashes and underscores are valid in XML names.
    """
    return node_id if node_id[:1].isalpha() else "_" + node_id


def node_id(name: str) -> str:
    """The rubric id of an XLSForm ``name`` made by :func:`field_name`."""
    return name[1:] if name.startswith("_") and name[1:2].isdigit() else name
