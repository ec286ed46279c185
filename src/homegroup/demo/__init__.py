"""`homegroup demo`: the demo loader, above every app (project level, never inside one). Each
app's own `demo.py` loads its part — accounts, then privacy, the directory and the journal —
and this command runs them in that order. An app only so Django finds the command."""
