"""The person's journal pages, one module each by what they show (check-in, calendar, recovery,
medication, 12-step life, network, measures, settings, progress, their data, the recovery
tasks from their counselor) and the sponsor's
view of what a person shares (`shared`). Thin: forms collect, `journal.actions` writes,
`summaries` and the pure functions compute. Every page view is audited as one `journal.read`; a
person in recovery role is required (others get 403), and another person's object is not found
(404). What they share is `common`.
"""
