"""The FHIR export checked by two independent validators."""

from __future__ import annotations

import json

from planner import fhir


def r4_validated(document: dict) -> None:
    """The Bundle, as its JSON reads, read strictly by fhirclient's FHIR 4.0.1 models; raises on
    any error."""
    from fhirclient.models.bundle import Bundle

    Bundle(json.loads(fhir.to_json(document)), strict=True)


def validated(document: dict) -> dict[str, list]:
    """Each resource of the Bundle checked by its own fhir.resources model, and the whole Bundle
    by the R4 models; by type."""
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class("Bundle").model_validate(document)
    r4_validated(document)
    found: dict[str, list] = {}
    for entry in document["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        found.setdefault(resource["resourceType"], []).append(entry)
    return found
