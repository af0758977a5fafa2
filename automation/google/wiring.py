"""Builds the Google store and answer source from a workspace's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from automation.errors import ConfigError

if TYPE_CHECKING:
    from automation.answers.base import AnswerSource
    from automation.store.base import Store
    from automation.workspace import Workspace


def open_store(workspace: Workspace) -> Store:
    raise ConfigError("Der Google-Speicher ist in dieser Fassung noch nicht verfügbar; bitte speicher = »lokal«.")


def open_answer_source(workspace: Workspace) -> AnswerSource:
    raise ConfigError("Google Forms ist in dieser Fassung noch nicht verfügbar; bitte speicher = »lokal«.")
