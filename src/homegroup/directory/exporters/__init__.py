"""Meeting feed exporters: pure functions from stored meeting rows to a wire format.

``meeting_guide`` writes Meeting Guide JSON (what the Meeting Guide app, TSML UI and the 12 Step
Meeting List plugin read). ``directory.feeds.build_feed`` feeds them rows from the database.
"""
