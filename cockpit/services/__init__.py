"""Use cases shared by the CLI and the TUI: each joins the pure core to the store and sources.

One module per instrument, each owned by that instrument. Instruments call each other only
through these functions (a sprint books a time entry, a reading pass starts a time-box, ...).
"""
