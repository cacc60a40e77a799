"""``storyline.link`` loads its modules when a name is first asked for: the settings alone stay light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import storyline.link as link


def test_the_settings_load_without_the_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from storyline.settings import link_settings\n"
        "link_settings({'story_threshold': '0.4'})\n"
        "heavy = [m for m in ('scipy', 'datasketch', 'storyline.link.dedup') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == ""


def test_every_exported_name_is_its_module_s() -> None:
    from storyline.link import dedup, records, settings, stories, threads

    for name in link.__all__:
        assert name in dir(link)
        home = getattr(link, name)
        assert any(
            getattr(module, name, None) is home for module in (dedup, records, settings, stories, threads)
        )
    from storyline.link.passages import find_shared_passages

    assert link.find_shared_passages is find_shared_passages


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = link.no_such_name  # type: ignore[attr-defined]


def test_the_exports_and_their_homes_agree() -> None:
    assert sorted(link.__all__) == sorted(link._HOME)
