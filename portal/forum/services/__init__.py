"""What people do in the forum. Pages, the API, the admin, the demo data and the tasks all
call these functions; each checks who may act, validates, writes and queues side effects.

``posts`` holds writing (topics, replies, edits, follows, flags), ``moderation`` what staff
do, ``notices`` the reply e-mails.
"""

from portal.forum.services.moderation import (
    flag_resolve,
    post_hide,
    post_restore,
    topic_lock,
    topic_pin,
    topic_unlock,
    topic_unpin,
)
from portal.forum.services.notices import reply_notices_send
from portal.forum.services.posts import (
    FLOOD_LIMIT,
    FLOOD_WINDOW,
    REASON_MAX_LENGTH,
    can_post,
    edit_refusal,
    flood_wait,
    plain_text,
    post_edit,
    post_flag,
    post_reply,
    topic_follow,
    topic_open,
    topic_refresh,
    topic_unfollow,
    unfollow_token,
    unfollow_token_read,
)

__all__ = [
    "FLOOD_LIMIT",
    "FLOOD_WINDOW",
    "REASON_MAX_LENGTH",
    "can_post",
    "edit_refusal",
    "flag_resolve",
    "flood_wait",
    "plain_text",
    "post_edit",
    "post_flag",
    "post_hide",
    "post_reply",
    "post_restore",
    "reply_notices_send",
    "topic_follow",
    "topic_lock",
    "topic_open",
    "topic_pin",
    "topic_refresh",
    "topic_unfollow",
    "topic_unlock",
    "topic_unpin",
    "unfollow_token",
    "unfollow_token_read",
]
