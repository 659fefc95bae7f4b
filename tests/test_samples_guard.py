"""A missing sample skips on a developer's clone and fails where CI asks for the samples."""

import pytest

from tests.samples import samples_missing


def test_missing_samples_skip_by_default(monkeypatch):
    monkeypatch.delenv("ENT_REQUIRE_SAMPLES", raising=False)
    with pytest.raises(pytest.skip.Exception):
        samples_missing("l'échantillon X est absent")


def test_missing_samples_fail_when_required(monkeypatch):
    monkeypatch.setenv("ENT_REQUIRE_SAMPLES", "1")
    with pytest.raises(pytest.fail.Exception, match="l'échantillon X est absent"):
        samples_missing("l'échantillon X est absent")
