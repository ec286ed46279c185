"""Who may see whom: the audit log, field encryption and the access core.

Later issues add programs, care teams, consents, the data categories and the disclosure gate here.
"""
