"""Readings: their sections and prompts, and the importer that makes them."""
