"""The `studybot` command line."""
