"""The append-only audit log, its seals and their anchor outside the database.

The bottom layer above `lib`: every app records through `homegroup.audit.actions.record`, and
any app may register a table of its own as a sealed ledger (`ledgers.register`) to have its rows
MAC'd, sealed and verified the same way. It imports only `lib` and Django. See
docs/adr/0002-audit-log.md.
"""
