"""Pure domain logic per instrument: no Textual, no I/O, the clock injected."""
