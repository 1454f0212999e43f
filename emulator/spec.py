"""Validates Bot API calls against the machine-readable spec (spec/bot-api.json).

The emulator is deliberately stricter than Telegram in one respect: an unknown
parameter is an error (Telegram silently ignores it), because a misspelt or
misplaced parameter is a bot bug that production would hide.

Top-level parameters arrive from form bodies as strings ("123", "true", JSON text
for objects), so they are coerced; nested values inside JSON objects must have
their real JSON types. Validation returns the coerced parameters so method
handlers work with ints, bools, dicts and `Upload`s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import limits
from .errors import ApiError, bad_request

DEFAULT_SPEC_PATH = Path(__file__).with_name("spec") / "bot-api.json"

_ARRAY = "Array of "
_PRIMITIVES = frozenset({"String", "Integer", "Float", "Boolean", "InputFile"})
_INTEGER = re.compile(r"-?\d+")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_DISCRIMINATOR = re.compile(r"(?:must be|always)\s+[“\"]?([A-Za-z_]+)")
_DISCRIMINATOR_FIELDS = ("type", "source", "status")

# Parameters dropped from the docs but still accepted by Telegram (and still sent by
# aiogram when a bot uses them); each is allowed where its successor exists.
_LEGACY_FIELDS = {
    "reply_to_message_id": ("reply_parameters", ("Integer",)),
    "allow_sending_without_reply": ("reply_parameters", ("Boolean",)),
    "disable_web_page_preview": ("link_preview_options", ("Boolean",)),
}

# Rules the spec states in prose rather than in field types.
_TYPE_RULES: dict[str, Callable[[dict[str, Any], str], None]] = {
    "InlineKeyboardButton": limits.check_inline_button,
    "BotCommand": limits.check_bot_command,
}


@dataclass(frozen=True, slots=True)
class Upload:
    """An InputFile: a file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True, slots=True)
class MethodSpec:
    name: str
    fields: dict[str, Field]


@dataclass(frozen=True, slots=True)
class TypeSpec:
    name: str
    fields: dict[str, Field]
    subtypes: tuple[str, ...]
    discriminator: tuple[str, str] | None  # (field name, value) identifying this subtype

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields.values() if f.required]


class _Mismatch(Exception):
    """The value is not of the type being tried; another type of a union may fit."""


class Spec:
    """The parsed spec; `Spec.load()` parses each file once per process."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version: str = raw.get("version", "")
        self._methods = {
            name.lower(): MethodSpec(name, _fields(method)) for name, method in raw["methods"].items()
        }
        self._types = {name: _type_spec(name, data) for name, data in raw["types"].items()}

    @staticmethod
    def load(path: str | Path | None = None) -> Spec:
        return _load(str(path or DEFAULT_SPEC_PATH))

    def method(self, name: str) -> MethodSpec | None:
        """Method names are case-insensitive, as in Telegram."""
        return self._methods.get(name.lower())

    def validate(
        self, method: MethodSpec, params: Mapping[str, Any], uploads: Mapping[str, Upload]
    ) -> dict[str, Any]:
        """Check a call and return its coerced parameters; raise ApiError(400) naming the culprit."""
        out: dict[str, Any] = {}
        attached: set[str] = set()
        for name, raw in params.items():
            field = method.fields.get(name) or _legacy_field(method, name)
            if field is None:
                raise bad_request(f'unknown parameter "{name}" for method {method.name}')
            out[name] = self._top_level(raw, field, uploads, attached)
        for name, upload in uploads.items():
            if name in attached:
                continue
            field = method.fields.get(name)
            if field is None or "InputFile" not in field.types or name in out:
                raise bad_request(f'unexpected file part "{name}" for method {method.name}')
            out[name] = upload
        for field in method.fields.values():
            if field.required and field.name not in out:
                raise bad_request(f'required parameter "{field.name}" is missing for method {method.name}')
        return out

    def _top_level(
        self, raw: Any, field: Field, uploads: Mapping[str, Upload], attached: set[str]
    ) -> Any:
        name, types = field.name, field.types
        if isinstance(raw, Upload):
            if "InputFile" in types:
                return raw
            raise bad_request(f'parameter "{name}" must not be a file')
        if "InputFile" in types and isinstance(raw, str) and raw.startswith("attach://"):
            part = raw.removeprefix("attach://")
            if part not in uploads:
                raise bad_request(f'parameter "{name}" refers to file part "{part}" that is not in the request')
            attached.add(part)
            return uploads[part]
        if isinstance(raw, str) and not _PRIMITIVES.intersection(types):
            raw = _parse_json(raw, name)
        return self._first_fit(raw, types, lambda t: self._coerce(raw, t, name),
                               f'parameter "{name}" must be {_describe(types)}, got {_show(raw)}')

    def _coerce(self, raw: Any, type_name: str, path: str) -> Any:
        """Form-body leniency: primitives may arrive as strings (objects were JSON-decoded already)."""
        if type_name == "String":
            if isinstance(raw, str):
                return raw
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                return str(raw)
            raise _Mismatch
        if type_name == "Integer":
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
                return int(raw)
            raise _Mismatch
        if type_name == "Float":
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                return float(raw)
            if isinstance(raw, str):
                try:
                    return float(raw)
                except ValueError:
                    raise _Mismatch from None
            raise _Mismatch
        if type_name == "Boolean":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, (str, int)) and str(raw).lower() in _BOOLEANS:
                return _BOOLEANS[str(raw).lower()]
            raise _Mismatch
        self._check(raw, type_name, path)
        return raw

    def _check(self, value: Any, type_name: str, path: str) -> None:
        """Strict structural check of a JSON value against one spec type."""
        if type_name.startswith(_ARRAY):
            if not isinstance(value, list):
                raise _Mismatch
            item_type = (type_name.removeprefix(_ARRAY),)
            for index, item in enumerate(value):
                self._check_field(item, item_type, f"{path}[{index}]")
            return
        if type_name == "String":
            ok = isinstance(value, str)
        elif type_name == "Integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif type_name == "Float":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif type_name == "Boolean":
            ok = isinstance(value, bool)
        elif type_name in self._types:
            self._check_object(value, self._types[type_name], path)
            return
        else:
            ok = False
        if not ok:
            raise _Mismatch

    def _check_object(self, value: Any, spec: TypeSpec, path: str) -> None:
        if spec.subtypes:
            self._check_field(value, self._subtypes_for(value, spec), path)
            return
        if not isinstance(value, dict):
            raise _Mismatch
        for key in value:
            if key not in spec.fields:
                raise bad_request(f'unknown field "{path}.{key}" in {spec.name}')
        for name in spec.required:
            if value.get(name) is None:
                raise bad_request(f'field "{path}.{name}" of {spec.name} is required')
        for key, item in value.items():
            if item is not None:
                self._check_field(item, spec.fields[key].types, f"{path}.{key}")
        rule = _TYPE_RULES.get(spec.name)
        if rule is not None:
            rule(value, path)

    def _check_field(self, value: Any, types: tuple[str, ...], path: str) -> None:
        self._first_fit(value, types, lambda t: self._check(value, t, path),
                        f'field "{path}" must be {_describe(types)}, got {_show(value)}')

    def _first_fit(self, value: Any, types: tuple[str, ...], attempt: Any, mismatch: str) -> Any:
        """Try the value as each allowed type in turn; the first that fits wins.

        A type that does not apply at all is skipped; one that applies but finds a
        fault (a bad nested field) is remembered, so the most telling error is raised.
        """
        errors: list[ApiError] = []
        for type_name in self._ranked(value, types):
            try:
                return attempt(type_name)
            except _Mismatch:
                continue
            except ApiError as error:
                errors.append(error)
        if errors:
            raise errors[0]
        raise bad_request(mismatch)

    def _subtypes_for(self, value: Any, spec: TypeSpec) -> tuple[str, ...]:
        """Narrow an abstract type (BotCommandScope, MenuButton...) by its `type` value."""
        if isinstance(value, dict):
            matching = tuple(
                name
                for name in spec.subtypes
                if (sub := self._types.get(name)) is not None
                and sub.discriminator is not None
                and value.get(sub.discriminator[0]) == sub.discriminator[1]
            )
            if matching:
                return matching
        return spec.subtypes

    def _ranked(self, value: Any, types: tuple[str, ...]) -> list[str]:
        """Try first the object types whose required fields are all present.

        For a union such as reply_markup, the error worth reporting comes from the type
        the caller evidently meant (inline_keyboard present -> InlineKeyboardMarkup).
        """
        if not isinstance(value, dict) or len(types) < 2:
            return list(types)

        def meant(type_name: str) -> bool:
            spec = self._types.get(type_name)
            return spec is not None and not spec.subtypes and all(name in value for name in spec.required)

        return sorted(types, key=lambda name: not meant(name))


@cache
def _load(path: str) -> Spec:
    with open(path, encoding="utf-8") as handle:
        return Spec(json.load(handle))


def _fields(data: Mapping[str, Any]) -> dict[str, Field]:
    return {
        f["name"]: Field(f["name"], tuple(f["types"]), bool(f.get("required")))
        for f in data.get("fields", ())
    }


def _type_spec(name: str, data: Mapping[str, Any]) -> TypeSpec:
    fields = _fields(data)
    discriminator = None
    for field_name in _DISCRIMINATOR_FIELDS:
        field_data = next((f for f in data.get("fields", ()) if f["name"] == field_name), None)
        if field_data and (match := _DISCRIMINATOR.search(field_data.get("description", ""))):
            discriminator = (field_name, match.group(1))
            break
    return TypeSpec(name, fields, tuple(data.get("subtypes", ())), discriminator)


def _legacy_field(method: MethodSpec, name: str) -> Field | None:
    legacy = _LEGACY_FIELDS.get(name)
    if legacy is None or legacy[0] not in method.fields:
        return None
    return Field(name, legacy[1], False)


def _parse_json(raw: str, name: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise bad_request(f'can\'t parse parameter "{name}": not valid JSON') from None


def _describe(types: tuple[str, ...]) -> str:
    return " or ".join(types)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
