"""The static files storage of production (DEBUG=0): WhiteNoise's compressed, content-hashed
files, so that each one can be cached for a year (`make serve` runs `collectstatic` first).
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    # The vendored libraries (Leaflet, Chart.js) end with a sourceMappingURL comment naming a
    # .map file we do not ship; rewriting it would fail collectstatic. Browsers only fetch maps
    # with the developer tools open, where a missing map is harmless.
    patterns = tuple(
        (glob, tuple(rule for rule in rules if "sourceMappingURL" not in str(rule)))
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
    )
