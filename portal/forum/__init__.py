"""The open discussion forum: topics and replies in the 2020 forum's categories, moderated."""
