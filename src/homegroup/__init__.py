"""Homegroup: 12-step recovery and medication for opioid use disorder, together."""
