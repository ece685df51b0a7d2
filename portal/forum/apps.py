from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "portal.forum"
    label = "forum"
