"""HTML views of the offers app: catalogue and offers, demand, and the triage desk."""
