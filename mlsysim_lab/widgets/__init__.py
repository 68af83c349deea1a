"""The lab widget kit (ipywidgets 8): prediction and reveal cards, parameter panels,
failure banners, and the plots they draw.

Every widget has a plain-text form: in plain mode (autograde, a script, or
``MLSYSIM_PLAIN=1`` for screen-reader users) the same calls print words instead of
drawing controls, so a notebook runs headless with no interaction and reads the same.
"""

from mlsysim_lab.widgets.banners import FailureBanner
from mlsysim_lab.widgets.cards import PredictionCard, RevealCard
from mlsysim_lab.widgets.flow import (commit, describe_scenario, reveal, save_report, summary,
                                      wait_for_commits)
from mlsysim_lab.widgets.mode import plain_mode, show
from mlsysim_lab.widgets.panels import ParameterPanel
from mlsysim_lab.widgets.tables import Table

__all__ = ["FailureBanner", "ParameterPanel", "PredictionCard", "RevealCard", "Table", "commit",
           "describe_scenario", "plain_mode", "reveal", "save_report", "show", "summary", "wait_for_commits"]
