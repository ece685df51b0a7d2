"""The forum in the browser: reading (``reading``), writing (``writing``) and moderating
(``moderation``)."""
