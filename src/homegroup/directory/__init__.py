"""Meetings: models, actions, importers/, exporters/, search, MAT-friendliness with evidence.

Knows nothing about people's records: a journal links to a meeting, never the other way round.
"""
