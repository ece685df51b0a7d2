"""HTML views of the Rapid Alert Function."""
