"""The countries the portal serves: EU-27, the EEA and the EU candidate countries.

Codes are ISO 3166-1 alpha-2 (Greece is ``GR`` in ISO, ``EL`` in EU statistics). This module
is plain data so that settings can read it before Django starts.
"""

EU_MEMBER_STATES = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)  # fmt: skip
EEA_COUNTRIES = ("IS", "LI", "NO")
# Candidate countries as listed by the Commission (enlargement policy), 2025.
CANDIDATE_COUNTRIES = ("AL", "BA", "GE", "MD", "ME", "MK", "RS", "TR", "UA")

PORTAL_COUNTRIES = EU_MEMBER_STATES + EEA_COUNTRIES + CANDIDATE_COUNTRIES


def country_group(code: str) -> str:
    """Which group a portal country belongs to: ``eu``, ``eea`` or ``candidate``."""
    if code in EU_MEMBER_STATES:
        return "eu"
    if code in EEA_COUNTRIES:
        return "eea"
    if code in CANDIDATE_COUNTRIES:
        return "candidate"
    raise ValueError(f"{code!r} is not a portal country")
