"""What a test does when ../shared/samples is not beside the repository.

On a developer's clone the real export files may be absent: the tests that read them are skipped.
CI sets ENT_REQUIRE_SAMPLES=1, so a missing or moved sample fails the run instead of silently
shrinking it.
"""

import os

import pytest


def samples_missing(message: str) -> None:
    if os.environ.get("ENT_REQUIRE_SAMPLES", "").strip() not in ("", "0"):
        pytest.fail(f"{message} (ENT_REQUIRE_SAMPLES est défini)", pytrace=False)
    pytest.skip(message)
