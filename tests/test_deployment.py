"""Deployment files: the compose file parses against the Compose specification (compose-spec,
a real parser, since no Docker engine runs here), and says what an admin relies on."""

import re
from pathlib import Path
from typing import Any

import yaml
from compose_spec import PyCompose

ROOT = Path(__file__).parents[1]


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_compose_file_is_valid_compose() -> None:
    parsed = PyCompose.from_yaml((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert sorted(parsed.service_names()) == [
        "discord",
        "discord-shard-0",
        "discord-shard-1",
        "postgres",
        "slack",
        "slack-worker-1",
        "slack-worker-2",
        "slack-worker-3",
    ]


def test_the_validator_rejects_a_broken_file() -> None:
    broken = (ROOT / "docker-compose.yml").read_text(encoding="utf-8").replace("restart:", "restrat:", 1)
    try:
        PyCompose.from_yaml(broken)
    except ValueError as error:
        assert "restrat" in str(error)
    else:
        raise AssertionError("a misspelt key was accepted")


def test_each_platform_is_its_own_profile_with_what_an_admin_needs() -> None:
    spec = compose()
    assert "rebuttal-data" in spec["volumes"]
    for platform in ("discord", "slack"):
        service = spec["services"][platform]
        assert service["profiles"] == [platform]
        assert service["restart"] == "unless-stopped"
        assert service["env_file"] == ".env"
        assert "rebuttal-data:/data" in service["volumes"]
        assert service["healthcheck"]["test"] == ["CMD", "rebuttal", "health", "--platform", platform]
        assert service["command"][:2] == ["run", platform]


def test_postgresql_is_an_optional_profile_with_its_own_volume_and_healthcheck() -> None:
    spec = compose()
    postgres = spec["services"]["postgres"]
    assert postgres["profiles"] == ["postgres"] and postgres["image"].startswith("postgres:")
    assert "rebuttal-postgres:/var/lib/postgresql/data" in postgres["volumes"]
    assert postgres["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert "env_file" not in postgres  # the bot's tokens stay out of the database's container


def test_the_scale_out_profiles_share_one_database() -> None:
    """Shard processes cover every shard exactly once; Slack workers all serve HTTP. All share
    one database: PostgreSQL from REBUTTAL_DATABASE_URL, or else the one SQLite volume (never a
    file of their own, which would split the games between processes)."""
    services = compose()["services"]
    shards = [s for s in services.values() if s.get("profiles") == ["discord-shards"]]
    counts = {s["command"][s["command"].index("--shard-count") + 1] for s in shards}
    ids = sorted(int(s["command"][s["command"].index("--shard-ids") + 1]) for s in shards)
    assert counts == {str(len(shards))} and ids == list(range(len(shards)))
    workers = [s for s in services.values() if s.get("profiles") == ["slack-workers"]]
    assert len(workers) >= 2 and all(w["command"][:3] == ["run", "slack", "--http"] for w in workers)
    for service in shards + workers:
        assert service["volumes"] == ["rebuttal-data:/data"] and service["env_file"] == ".env"


def test_dockerfile_is_pinned_and_runs_as_a_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    base = re.search(r"^FROM (\S+)", dockerfile, re.M)
    assert base is not None and re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", base.group(1))
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}


def test_env_example_names_every_setting_the_code_reads() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for variable in (
        "DISCORD_TOKEN",
        "DISCORD_CLIENT_ID",
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "REBUTTAL_DB",
        "REBUTTAL_DATABASE_URL",
    ):
        assert variable in example, variable
