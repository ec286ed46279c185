"""Privacy pages, by whose they are: a person's sharing and accounting (`sharing`), a sponsor's
inbox (`shared_with_me`), the program admin's pages (`program`) and break-glass
(`break_glass`). Thin: every write is an action, every check of another person's record the gate.
"""
