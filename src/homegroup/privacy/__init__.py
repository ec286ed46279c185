"""Who may see whom: the access core, programs, care teams, consents, restrictions,
break-glass, the data categories and the one disclosure gate (docs/architecture.md)."""
