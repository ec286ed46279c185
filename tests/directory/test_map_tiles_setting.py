"""HOMEGROUP_MAP_TILES: the search map's tile server, allowed by the CSP, refused when wrong."""

import os
import subprocess
import sys

PRINT_TILES = (
    "from django.conf import settings;"
    "print(settings.HOMEGROUP_MAP_TILES_ORIGIN);"
    "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'][-1])"
)


def run(tiles):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "-m", "homegroup", "shell", "--verbosity", "0", "-c", PRINT_TILES],
        env={**env, "HOMEGROUP_MAP_TILES": tiles},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_tile_server_with_subdomains_is_allowed_by_a_wildcard():
    result = run("https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://*.tiles.example.org"] * 2


def test_a_value_that_is_not_a_tile_url_stops_the_start():
    result = run("tiles.example.org")
    assert result.returncode != 0
    assert "HOMEGROUP_MAP_TILES must be a tile URL template" in result.stderr
