"""Command parsing and handling."""
