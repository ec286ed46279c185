# Nothing here on purpose: counseling notes and every other clinical record stay out of Django's
# admin, which would bypass the actions, the disclosure gate and the audit (DESIGN.md).
