from django.urls import URLPattern, path

from portal.forum.views import moderation, reading, writing

app_name = "forum"

urlpatterns: list[URLPattern] = [
    path("forum/", reading.ForumIndexView.as_view(), name="index"),
    path("forum/topics/", reading.TopicListView.as_view(), name="topics"),
    path("forum/new/", writing.TopicCreateView.as_view(), name="topic_create"),
    path("forum/moderation/", moderation.ModerationQueueView.as_view(), name="moderation"),
    path("forum/unfollow/<str:token>/", writing.UnfollowLinkView.as_view(), name="unfollow_link"),
    path("forum/topics/<int:pk>/", reading.TopicDetailView.as_view(), name="topic"),
    path("forum/topics/<int:pk>/reply/", writing.PostReplyView.as_view(), name="reply"),
    path("forum/topics/<int:pk>/follow/", writing.TopicFollowView.as_view(), name="follow"),
    path("forum/topics/<int:pk>/unfollow/", writing.TopicUnfollowView.as_view(), name="unfollow"),
    path(
        "forum/topics/<int:pk>/moderate/", moderation.TopicModerateView.as_view(), name="moderate"
    ),
    path("forum/posts/<int:pk>/", reading.PostPermalinkView.as_view(), name="post"),
    path("forum/posts/<int:pk>/edit/", writing.PostEditView.as_view(), name="post_edit"),
    path("forum/posts/<int:pk>/flag/", writing.PostFlagView.as_view(), name="post_flag"),
    path("forum/posts/<int:pk>/hide/", moderation.PostHideView.as_view(), name="post_hide"),
    path(
        "forum/posts/<int:pk>/restore/", moderation.PostRestoreView.as_view(), name="post_restore"
    ),
    path(
        "forum/posts/<int:pk>/flags/dismiss/",
        moderation.FlagDismissView.as_view(),
        name="flags_dismiss",
    ),
    # Last: a category's slug is any other single path segment (unknown ones are a 404).
    path("forum/<slug:category>/", reading.TopicListView.as_view(), name="category"),
]
