"""The EU Rapid Alert Function: disruptions reported by clusters (its own issue)."""
