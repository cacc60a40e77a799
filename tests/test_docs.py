"""Every CLI command is documented in docs/cli.md, and the README's quick start names real commands."""

from __future__ import annotations

from pathlib import Path

from storyline.cli import app

REPO = Path(__file__).resolve().parents[1]


def test_every_command_is_documented() -> None:
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    assert names, "no commands registered"
    for name in names:
        assert f"## `storyline {name}" in text, f"docs/cli.md does not document `storyline {name}`"


def test_every_setting_is_documented() -> None:
    from storyline.settings import describe_settings

    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, default, help_text in describe_settings():
        assert help_text, f"setting {name} has no help text"
        assert f"| `{name}` | {default} |" in text, f"docs/cli.md does not document setting {name}"


def test_readme_quick_start_uses_the_sample_corpus() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "storyline run samples/corpus" in readme
    assert ".venv/bin/python -m pytest" in readme
    assert (REPO / "samples" / "corpus").is_dir()
