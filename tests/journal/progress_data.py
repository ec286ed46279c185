"""Reading the progress page's chart data (its json_script) in tests."""

from __future__ import annotations

import json
import re


def chart_data(response) -> dict:
    match = re.search(
        r'<script id="progress-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the chart data is missing"
    return json.loads(match.group(1))
