"""make lab's learner copies: filled once, never overwritten; make restore keeps the learner's version."""

from __future__ import annotations

import json

import pytest

from tools import learner_copy


@pytest.fixture
def course(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    for name in ("00_a.ipynb", "01_b.ipynb"):
        (source / name).write_text(json.dumps({"original": name}))
    return source, tmp_path / "my-notebooks"


def test_fill_copies_what_is_missing_and_never_overwrites(course):
    source, dest = course
    assert learner_copy.fill(dest, source) == ["00_a.ipynb", "01_b.ipynb"]
    (dest / "01_b.ipynb").write_text("my edits")
    (source / "02_c.ipynb").write_text("new lesson")  # a notebook added by git pull
    assert learner_copy.fill(dest, source) == ["02_c.ipynb"]
    assert (dest / "01_b.ipynb").read_text() == "my edits"


def test_restore_brings_the_original_back_and_keeps_the_learners_version(course):
    source, dest = course
    learner_copy.fill(dest, source)
    (dest / "01_b.ipynb").write_text("my edits")
    kept = learner_copy.restore("01_b.ipynb", dest, source)
    assert (dest / "01_b.ipynb").read_text() == json.dumps({"original": "01_b.ipynb"})
    assert kept.read_text() == "my edits" and kept.name.startswith("01_b.mine-")
    again = learner_copy.restore("notebooks/01_b.ipynb", dest, source)  # a path works too
    assert again != kept and kept.exists()


def test_restore_refuses_an_unknown_name_and_lists_the_choices(course):
    source, dest = course
    with pytest.raises(ValueError, match=r"NB: '01_x.ipynb' is not a notebook in notebooks/.*00_a.ipynb, 01_b.ipynb"):
        learner_copy.restore("01_x.ipynb", dest, source)
    with pytest.raises(ValueError, match="NB: ''"):
        learner_copy.restore("", dest, source)


def test_jupyterlab_news_and_update_checks_are_off():
    settings = json.loads((learner_copy.ROOT / "config" / "jupyterlab" / "overrides.json").read_text())
    notification = settings["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
