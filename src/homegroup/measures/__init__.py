"""Instruments as versioned data, and their scoring as pure functions.

No models and no Django: the app that asks the questions (the journal today, the clinician's
workspace later) stores the answers and the scores these functions compute. An instrument is
identified by ``(id, version)``; a stored answer keeps both, so a later wording or scoring change
becomes a new version instead of silently re-scoring old answers.

- ``bam``: the Brief Addiction Monitor (17 items, Use / Risk / Protective composites, VA flags).
- ``aai``: the core of the Alcoholics Anonymous Involvement scale (meetings, steps, membership).
- ``network``: Important People codes, network indices and how they changed.
- ``registry``: every instrument by id and version, and one ``score()`` entry point.

Every instrument's source, licence, adaptations and what was verified: docs/references.md.
"""
