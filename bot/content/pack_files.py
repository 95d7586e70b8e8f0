"""Reading and writing pack files (YAML or JSON), with errors pinned to file and line.

YAML is read with the safe loader only. To name the line of a schema error, the file is also
composed into YAML nodes, which keep their positions, and the error's path is walked there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.content.errors import ContentError, ContentProblem, problems_from_validation
from bot.content.model import Pack
from bot.content.text_input import decode_text

SCHEMA_FILE = "pack.schema.json"
PACK_SUFFIXES = (".yaml", ".yml", ".json")


def parse_pack(data: bytes | str, source: str = "<pack>") -> Pack:
    """A pack from YAML or JSON text (JSON is YAML); ``ContentError`` lists every problem."""
    text = decode_text(data, source)
    try:
        raw = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        detail = getattr(error, "problem", None) or str(error)
        raise ContentError([ContentProblem(source, line, f"not valid YAML: {detail}")]) from None
    if not isinstance(raw, dict):
        raise ContentError(
            [ContentProblem(source, 1, "a pack file must be a mapping of fields (question:, context:, …)")]
        )
    try:
        return Pack.model_validate(raw)
    except ValidationError as error:
        problems = problems_from_validation(error, source, lambda loc: _line_of(root, loc))
        raise ContentError(problems) from None


def load_pack_file(path: Path) -> Pack:
    return parse_pack(path.read_bytes(), str(path))


def dump_pack_yaml(pack: Pack) -> str:
    """Human-editable YAML for ``pack``, headed by a pointer to the schema for editors."""
    fields = {"schema_version": pack.schema_version, **pack.model_dump(mode="json", exclude_defaults=True)}
    body = yaml.dump(
        fields,
        Dumper=_PackDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return f"# yaml-language-server: $schema={SCHEMA_FILE}\n{body}"


def pack_schema_json() -> str:
    return json.dumps(Pack.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


class _PackDumper(yaml.SafeDumper):
    """Writes multi-paragraph strings as ``|`` blocks so they read like the card."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_PackDumper.add_representer(str, _represent_str)


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """The 1-based line of the deepest node on ``loc`` that exists in the file."""
    line = node.start_mark.line + 1 if node is not None else 0
    for part in loc:
        child: Any = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line
