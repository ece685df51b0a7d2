"""Forms of the forum's pages. They check the shape of the input; the services decide the
rest (locked topics, the flood limit, the edit window) and their refusals come back onto
the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forum.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, FlagReason, TopicCategory
from portal.forum.services import REASON_MAX_LENGTH

MARKDOWN_HELP = _(
    "You can use Markdown: **bold**, *italic*, [a link](https://example.eu), lists with "
    "“- ”, and a blank line between paragraphs. HTML is removed."
)


def _body_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Message"),
        max_length=BODY_MAX_LENGTH,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write a message.")},
    )


class TopicForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("Say in a few words what the topic is about."),
        error_messages={"required": _("Give the topic a title.")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Choose a category")), *TopicCategory.choices],
        error_messages={
            "required": _("Choose one of the forum's categories."),
            "invalid_choice": _("Choose one of the forum's categories."),
        },
    )
    body = _body_field()


class ReplyForm(forms.Form):
    body = _body_field(_("Your reply"))


class PostEditForm(forms.Form):
    """The author's correction; the title only for a topic's opening post."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = _body_field()

    def __init__(self, *args: Any, with_title: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should the moderators look at this post?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you flag this post.")},
    )
    note = forms.CharField(
        label=_("Details for the moderators"), max_length=REASON_MAX_LENGTH, required=False
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for hiding"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("Shown to staff with the hidden post."),
        error_messages={"required": _("Say why: other moderators see the reason with the post.")},
    )
