"""Thin translators between the Study Circle core and each chat platform."""
