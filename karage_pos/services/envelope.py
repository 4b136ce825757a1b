# Copyright 2026 Karage
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""base_rest parameter objects of the Karage endpoints.

The input is documented with the cerberus schemas but validated by the
service itself (each order of a bulk gets its own result, and refusals are
logged); the output is the seed's envelope with the HTTP status chosen by
the service.
"""

import copy

from odoo.http import request

from odoo.addons.base_rest import restapi
from odoo.addons.base_rest.tools import cerberus_to_json

from ..controllers.dispatcher import BODY_ENVIRON
from ..exceptions import RETRY_AFTER


def json_schema(schema):
    """cerberus_to_json, with ``type: [a, b]`` rendered as ``oneOf``."""
    schema = copy.deepcopy(schema)
    multi = {}

    def strip(node, path):
        for field, spec in node.items():
            if isinstance(spec.get("type"), list):
                multi[path + (field,)] = spec["type"]
                spec["type"] = "string"
            sub = spec.get("schema")
            if isinstance(sub, dict) and "schema" in sub:
                strip(sub["schema"], path + (field, "items"))
            spec.pop("check_with", None)

    strip(schema, ())
    result = cerberus_to_json(schema)
    for path, types in multi.items():
        node = result
        for part in path[:-1]:
            node = node["properties"][part] if part != "items" else node["items"]
        prop = node["properties"][path[-1]]
        prop.pop("type", None)
        prop.pop("maxLength", None)
        prop["oneOf"] = [{"type": "number" if t == "float" else t} for t in types]
    return result


class KaragePayload(restapi.RestMethodParam):
    """Pass the JSON body through untouched; document ``schema``."""

    def __init__(self, schema, examples=None):
        self._schema = schema
        self._examples = examples

    def from_params(self, service, params):
        # the body is handed over as one argument, never as keyword
        # arguments: its keys are the sender's, not Python's
        body = request.httprequest.environ.get(BODY_ENVIRON)
        return {"payload": body if body is not None else dict(params)}

    def to_response(self, service, result):
        raise NotImplementedError

    def to_openapi_query_parameters(self, service, spec):
        return []

    def to_openapi_requestbody(self, service, spec):
        return {
            "required": True,
            "content": {
                "application/json": {
                    "schema": self.to_json_schema(service, spec, "input"),
                    **({"examples": self._examples} if self._examples else {}),
                }
            },
        }

    def to_openapi_responses(self, service, spec):
        return {}

    def to_json_schema(self, service, spec, direction):
        return json_schema(self._schema)


class KarageEnvelope(restapi.RestMethodParam):
    """Answer ``(status, body)`` as JSON with that HTTP status; document
    ``responses`` (see :mod:`.openapi`)."""

    def __init__(self, responses):
        self._responses = responses

    def from_params(self, service, params):
        raise NotImplementedError

    def to_response(self, service, result):
        status, body = result
        headers = [("Retry-After", str(RETRY_AFTER))] if status == 503 else None
        return request.make_json_response(body, headers=headers, status=status)

    def to_openapi_query_parameters(self, service, spec):
        return []

    def to_openapi_requestbody(self, service, spec):
        return {}

    def to_json_schema(self, service, spec, direction):
        return {"type": "object"}

    def to_openapi_responses(self, service, spec):
        return copy.deepcopy(self._responses)
