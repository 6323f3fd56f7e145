"""CLI subcommands, one module per instrument. Keep module-level imports cheap."""
