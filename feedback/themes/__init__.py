"""Themes in what customers and staff write: the catalogue, the tagger, re-tagging and the
rising words that no theme covers yet (docs/metrics.md, "Themes")."""
