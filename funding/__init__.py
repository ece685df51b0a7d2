"""Funding: NextGenerationEU, programmes and calls (its own issue)."""
