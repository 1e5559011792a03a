"""Curriculum packs: a course another group built, as plain files that can be checked, built,
installed, forked and passed on (the clearing house)."""
