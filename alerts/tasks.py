"""Background work for rapid alerts: telling subscribers, the daily digest and the weekly
report. Each task takes primary keys or dates, calls a service, and is safe to run twice."""

from celery import shared_task


@shared_task(
    name="alerts.notify_confirmed_alert",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),  # the mail server was unreachable: the claim was released
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def notify_confirmed_alert(alert_id: int) -> int:
    from alerts.services import alert_notify_subscribers

    return alert_notify_subscribers(alert_id=alert_id)


@shared_task(name="alerts.send_daily_digests", acks_late=True, ignore_result=True)
def send_daily_digests() -> int:
    from alerts.services import alert_send_digests

    return alert_send_digests()


@shared_task(name="alerts.compile_weekly_report", acks_late=True, ignore_result=True)
def compile_weekly_report(week_start: str | None = None) -> int:
    """Monday morning: the report of the week that has just ended (or of ``week_start``, an
    ISO date). Compiling a week again replaces its report, so running twice leaves one."""
    import datetime

    from alerts.services import weekly_report_compile
    from alerts.services.reports import previous_week_start

    start = datetime.date.fromisoformat(week_start) if week_start else previous_week_start()
    return weekly_report_compile(week_start=start).pk
