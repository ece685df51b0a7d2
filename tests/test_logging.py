import json
import logging

from portal.logging import JsonFormatter


def test_each_record_is_one_json_line_with_its_extra_fields():
    record = logging.LogRecord(
        "portal.test", logging.WARNING, __file__, 1, "offer %s", ("42",), None
    )
    record.offer_id = 42

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "portal.test"
    assert entry["message"] == "offer 42"
    assert entry["offer_id"] == 42
    assert entry["time"].endswith("+00:00")


def test_exceptions_are_kept_in_the_entry():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())

    entry = json.loads(JsonFormatter().format(record))

    assert "ValueError: boom" in entry["exception"]


def test_settings_send_logs_as_json_to_stdout():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["stdout"]
    assert handler["stream"] == "ext://sys.stdout"
    assert (
        settings.LOGGING["formatters"][handler["formatter"]]["()"] == "portal.logging.JsonFormatter"
    )
