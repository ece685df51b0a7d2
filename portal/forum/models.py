"""Models of forum."""

from django.db import models  # noqa: F401
