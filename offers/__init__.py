"""Offers, public-authority demand, matching, triage and routing to the Commission (its own issue)."""
