"""Cluster and project profiles, the directory and the cluster map (its own issue)."""
