"""Every shipped pack loads; pack files report schema errors by line; the schema is current."""

import json
from pathlib import Path

import pytest

from bot.content.errors import ContentError
from bot.content.library import load_library, pack_files_in, shipped_content_dir
from bot.content.pack_files import dump_pack_yaml, pack_schema_json, parse_pack

CONTENT = shipped_content_dir()


def test_every_shipped_pack_loads() -> None:
    try:
        library = load_library(CONTENT)
    except ContentError as error:  # list every problem of every pack, not the first
        pytest.fail(f"shipped content has problems:\n{error}")
    assert len(library.packs) == len(pack_files_in(CONTENT))
    assert "us-russia-normalization" in library.packs


def test_shipped_library_has_the_sample_and_three_originals() -> None:
    library = load_library(CONTENT)
    originals = [p for p in library.packs.values() if p.authorship and "Rebuttal project" in p.authorship]
    assert len(originals) >= 3
    for pack in originals:
        assert 3 <= len(pack.threads) <= 5, pack.id
        assert all(2 <= len(t.turns) <= 6 for t in pack.threads), pack.id
        assert len(pack.divide.factions) >= 2 and len(pack.sources) >= 5, pack.id


def test_shipped_schema_is_current() -> None:
    shipped = (CONTENT / "pack.schema.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == json.loads(pack_schema_json()), "run: rebuttal schema -o content/pack.schema.json"


def test_yaml_round_trip_keeps_everything() -> None:
    for path in pack_files_in(CONTENT):
        pack = parse_pack(path.read_bytes(), str(path))
        assert parse_pack(dump_pack_yaml(pack)) == pack


def test_pack_errors_name_the_line_of_the_field() -> None:
    text = (CONTENT / "us-russia-normalization.yaml").read_text(encoding="utf-8")
    broken = text.replace("side: liberal", "side: libral", 1).replace(
        "title: Preconditions before normalization steps", "title: ''", 1
    )
    with pytest.raises(ContentError) as caught:
        parse_pack(broken, "broken.yaml")
    lines = broken.splitlines()
    problems = caught.value.problems
    assert [p.message for p in problems] == [
        "opening.turns.1.side: Input should be 'conservative' or 'liberal'",
        "threads.0.title: String should have at least 1 character",
    ]
    assert "libral" in lines[problems[0].line - 1]
    assert "title: ''" in lines[problems[1].line - 1]


def test_pack_yaml_is_loaded_safely() -> None:
    with pytest.raises(ContentError) as caught:
        parse_pack("!!python/object/apply:os.system ['echo hacked']", "evil.yaml")
    assert "not valid YAML" in str(caught.value)


def test_hand_written_pack_needs_no_ids(tmp_path: Path) -> None:
    pack = parse_pack((CONTENT / "us-russia-normalization.yaml").read_text(encoding="utf-8"))
    raw = pack.model_dump(mode="json")
    for thread in [raw["opening"], *raw["threads"]]:
        thread.pop("id")
        for turn in thread["turns"]:
            turn.pop("id")
    assert parse_pack(json.dumps(raw)) == pack


def test_duplicate_ids_are_refused() -> None:
    raw = parse_pack((CONTENT / "us-russia-normalization.yaml").read_text(encoding="utf-8")).model_dump(mode="json")
    raw["threads"][1]["turns"][0]["id"] = raw["threads"][0]["turns"][0]["id"]
    with pytest.raises(ContentError, match="is used twice"):
        parse_pack(json.dumps(raw))
