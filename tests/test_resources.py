"""Bundled folders resolve from a checkout (the wheel test lives with the packaging)."""

from mlsysim_lab.resources import graders_dir, labs_dir


def test_labs_and_graders_folders_are_found():
    assert (labs_dir() / "README.md").is_file()
    assert (graders_dir() / "README.md").is_file()
