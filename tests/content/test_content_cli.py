"""``rebuttal import | validate | show | export-card`` as a teacher would run them."""

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.content.library import load_library
from bot.content.pack_files import load_pack_file
from tests.content.cards import VALID_CARD_LINES, card, replaced

SAMPLE = Path(__file__).parents[1] / "data" / "cards" / "us-russia-normalization.txt"


def test_import_writes_a_pack_that_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "packs" / "russia.yaml"
    assert main(["import", str(SAMPLE), "-o", str(output)]) == 0
    assert output.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=pack.schema.json\n")
    assert main(["validate", str(output)]) == 0
    assert "ok  us-russia-normalization: 4 threads, 20 turns" in capsys.readouterr().out


def test_import_of_a_bad_card_lists_every_problem_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(replaced(18, "Shopkeepers"), encoding="utf-8")
    output = tmp_path / "bad.yaml"
    assert main(["import", str(bad), "-o", str(output)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:18: expected a faction name in capitals" in err
    assert "3 problems; nothing was loaded." in err
    assert not output.exists()


def test_validate_reports_all_files_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(card(VALID_CARD_LINES), encoding="utf-8")
    bad.write_text(replaced(9), encoding="utf-8")
    missing = tmp_path / "missing.txt"
    assert main(["validate", str(good), str(bad), str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:8: a side label (L or C) must be followed by the turn's text" in err
    assert f"{missing}: cannot read: No such file or directory" in err


def test_show_prints_the_normalised_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(SAMPLE), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == "us-russia-normalization"
    assert len(shown["threads"]) == 4 and shown["conflict"]["kind"] == "FACT DISPUTE"


def test_export_card_round_trips_the_sample(tmp_path: Path) -> None:
    pack_file, card_file = tmp_path / "p.yaml", tmp_path / "c.txt"
    assert main(["import", str(SAMPLE), "-o", str(pack_file)]) == 0
    assert main(["export-card", str(pack_file), "-o", str(card_file)]) == 0
    # The pack's id comes first (from the card's file name here), then the card as written.
    expected = "Id: us-russia-normalization\n" + SAMPLE.read_text(encoding="utf-8")
    assert card_file.read_text(encoding="utf-8").rstrip("\n") == expected.rstrip("\n")


@pytest.mark.parametrize("debate", sorted(load_library().packs))
def test_every_shipped_pack_survives_export_card_and_import_whole(tmp_path: Path, debate: str) -> None:
    """Id, tags, grade level, language and authorship included: a teacher who exports a pack,
    fixes a typo in the card and imports it again loses nothing else."""
    card_file, pack_file = tmp_path / "edited-copy.txt", tmp_path / "again.yaml"
    assert main(["export-card", debate, "-o", str(card_file)]) == 0
    assert main(["import", str(card_file), "-o", str(pack_file)]) == 0
    assert load_pack_file(pack_file) == load_library().packs[debate]  # the Id: line beats the file name


def test_import_id_option_beats_the_cards_id_line(tmp_path: Path) -> None:
    card_file, pack_file = tmp_path / "c.txt", tmp_path / "p.yaml"
    card_file.write_text("Id: from-the-card\nTags: local, transport\n" + card(VALID_CARD_LINES), encoding="utf-8")
    assert main(["import", str(card_file), "-o", str(pack_file)]) == 0
    assert load_pack_file(pack_file).id == "from-the-card"
    assert main(["import", str(card_file), "--id", "chosen", "-o", str(pack_file)]) == 0
    pack = load_pack_file(pack_file)
    assert pack.id == "chosen" and pack.tags == ("local", "transport")
