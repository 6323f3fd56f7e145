"""cockpit: a terminal cockpit for ML researchers working on remote GPU machines."""

__version__ = "0.1.0"
