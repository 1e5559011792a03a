"""The bottom layer: events, messages, the platform protocols, clock, text and records."""
