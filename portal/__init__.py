"""The Clusters Response Portal project package (settings, URLs, Celery app, WSGI)."""

from portal.celery import app as celery_app

__all__ = ("celery_app",)
