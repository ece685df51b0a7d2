"""The alert services: reporting (who and what), the assessment table (every legal step
works and is recorded, every other is refused and changes nothing), merging, escalation,
and the suggestion of similar alerts."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alerts.models import MAX_EVIDENCE_CHARS, Alert, AlertStatus, AlertTransition, TransitionKind
from alerts.selectors import alert_get, alert_reporters, similar_alerts
from alerts.services import (
    TransitionError,
    alert_escalate,
    alert_merge,
    alert_report,
    alert_transition,
    alert_update,
)
from alerts.transitions import TRANSITIONS
from portal.accounts.roles import Role
from tests.alerts.factories import alert_data, make_alert
from tests.clusters.factories import make_cluster
from tests.factories import make_user

S = AlertStatus
ALL_PAIRS = list(itertools.product(S.values, S.values))
LEGAL = sorted(TRANSITIONS)
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]


def test_the_table_is_the_one_the_issue_describes():
    assert set(TRANSITIONS) == {
        (S.REPORTED, S.UNDER_ASSESSMENT),
        (S.UNDER_ASSESSMENT, S.CONFIRMED),
        (S.UNDER_ASSESSMENT, S.DISMISSED),
        (S.UNDER_ASSESSMENT, S.MERGED),
        (S.CONFIRMED, S.RESOLVED),
    }
    assert len(ILLEGAL) == 36 - 5


@pytest.fixture
def target(authority, commission_staff, django_capture_on_commit_callbacks):
    """An open alert to merge into."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_alert(
            by=authority, status=S.UNDER_ASSESSMENT, staff=commission_staff, title="Target"
        )


def at_status(status, *, by, staff, target=None, **overrides):
    return make_alert(
        by=by,
        status=status,
        staff=staff,
        merged_into=target if status == S.MERGED else None,
        **overrides,
    )


def attempt(alert, to_status, *, by, target, note="A reason."):
    if to_status == S.MERGED:
        return alert_merge(alert=alert, into=target, by=by, note=note)
    return alert_transition(alert=alert, to_status=to_status, by=by, note=note)


def snapshot(alert):
    alert = Alert.objects.get(pk=alert.pk)
    return (
        alert.status,
        alert.merged_into_id,
        alert.confirmed_at,
        alert.resolved_at,
        alert.updated_at,
        AlertTransition.objects.filter(alert=alert).count(),
    )


# --- the assessment table ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), LEGAL)
def test_every_legal_transition_works_and_is_recorded(
    authority, commission_staff, target, django_capture_on_commit_callbacks, from_status, to_status
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = at_status(from_status, by=authority, staff=commission_staff)
        before = AlertTransition.objects.filter(alert=alert).count()

        moved = attempt(alert, to_status, by=commission_staff, target=target, note="Why so.")

    alert.refresh_from_db()
    assert alert.status == to_status == moved.status
    steps = list(AlertTransition.objects.filter(alert=alert))
    assert len(steps) == before + 1
    step = steps[-1]
    assert (step.kind, step.from_status, step.to_status) == (
        TransitionKind.STATUS,
        from_status,
        to_status,
    )
    assert step.by == commission_staff
    assert step.note == "Why so."
    assert step.created_at is not None
    if to_status == S.CONFIRMED:
        assert alert.confirmed_at is not None
    if to_status == S.RESOLVED:
        assert alert.resolved_at is not None
    assert (alert.merged_into == target) is (to_status == S.MERGED)


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_every_other_transition_is_refused_and_changes_nothing(
    authority, commission_staff, target, django_capture_on_commit_callbacks, from_status, to_status
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = at_status(from_status, by=authority, staff=commission_staff, target=target)
    before = snapshot(alert)

    with pytest.raises(ValidationError) as refused:
        attempt(alert, to_status, by=commission_staff, target=target)

    assert isinstance(refused.value, TransitionError)
    assert "to" in refused.value.message_dict
    assert snapshot(alert) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), LEGAL)
@pytest.mark.parametrize("role", ["cluster_manager", "authority", "company", "reporter"])
def test_only_staff_assess(
    authority,
    cluster_manager,
    company_user,
    commission_staff,
    target,
    django_capture_on_commit_callbacks,
    from_status,
    to_status,
    role,
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = at_status(from_status, by=authority, staff=commission_staff)
    actor = {
        "cluster_manager": cluster_manager,
        "authority": make_user(Role.AUTHORITY, verified=True),
        "company": company_user,
        "reporter": authority,
    }[role]
    before = snapshot(alert)

    with pytest.raises(PermissionDenied):
        attempt(alert, to_status, by=actor, target=target)

    assert snapshot(alert) == before


@pytest.mark.django_db
@pytest.mark.parametrize("note", ["", "   \n "])
def test_dismissing_needs_a_note(authority, commission_staff, note):
    alert = make_alert(by=authority, status=S.UNDER_ASSESSMENT, staff=commission_staff)
    before = snapshot(alert)

    with pytest.raises(ValidationError) as refused:
        alert_transition(alert=alert, to_status=S.DISMISSED, by=commission_staff, note=note)

    assert "note" in refused.value.message_dict
    assert snapshot(alert) == before


@pytest.mark.django_db
def test_confirming_needs_no_note(authority, commission_staff):
    alert = make_alert(by=authority, status=S.UNDER_ASSESSMENT, staff=commission_staff)

    alert_transition(alert=alert, to_status=S.CONFIRMED, by=commission_staff)

    assert Alert.objects.get(pk=alert.pk).status == S.CONFIRMED


@pytest.mark.django_db
def test_a_merge_without_a_note_says_where_the_alert_went(authority, commission_staff, target):
    alert = make_alert(by=authority, status=S.UNDER_ASSESSMENT, staff=commission_staff)

    alert_merge(alert=alert, into=target, by=commission_staff)

    step = AlertTransition.objects.filter(alert=alert).last()
    assert step.to_status == S.MERGED
    assert f"#{target.pk}" in step.note


@pytest.mark.django_db
def test_merging_through_the_status_change_names_the_target(authority, commission_staff):
    alert = make_alert(by=authority, status=S.UNDER_ASSESSMENT, staff=commission_staff)

    with pytest.raises(ValidationError) as refused:
        alert_transition(alert=alert, to_status=S.MERGED, by=commission_staff, note="Same")

    assert "merged_into" in refused.value.message_dict
    assert Alert.objects.get(pk=alert.pk).status == S.UNDER_ASSESSMENT


# --- merging ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_merging_keeps_both_reporters_and_repoints_earlier_merges(
    authority, cluster_manager, other_cluster_manager, commission_staff
):
    staff = commission_staff
    own = make_cluster(by=cluster_manager)
    other = make_cluster(by=other_cluster_manager)
    first = make_alert(by=cluster_manager, cluster=own, status=S.UNDER_ASSESSMENT, staff=staff)
    second = make_alert(by=authority, status=S.UNDER_ASSESSMENT, staff=staff)
    third = make_alert(by=other_cluster_manager, cluster=other, status=S.CONFIRMED, staff=staff)

    alert_merge(alert=first, into=second, by=staff, note="Same lithium shortage.")
    assert alert_reporters(alert=alert_get(pk=second.pk, user=staff)) == [
        authority,
        cluster_manager,
    ]

    alert_merge(alert=second, into=third, by=staff, note="Same again.")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.merged_into) == (S.MERGED, third)
    assert (second.status, second.merged_into) == (S.MERGED, third)
    group = alert_get(pk=third.pk, user=staff)
    assert set(alert_reporters(alert=group)) == {other_cluster_manager, authority, cluster_manager}
    assert len(alert_reporters(alert=group)) == 3
    assert first.reported_by == cluster_manager  # the merged alert keeps its reporter


@pytest.mark.django_db
@pytest.mark.parametrize("closed", [S.DISMISSED, S.RESOLVED, S.MERGED])
def test_merging_into_a_closed_alert_is_refused(authority, commission_staff, target, closed):
    alert = make_alert(by=authority, status=S.UNDER_ASSESSMENT, staff=commission_staff)
    into = at_status(closed, by=authority, staff=commission_staff, target=target)
    before = snapshot(alert)

    with pytest.raises(ValidationError) as refused:
        alert_merge(alert=alert, into=into, by=commission_staff, note="Same")

    assert "merged_into" in refused.value.message_dict
    assert snapshot(alert) == before


@pytest.mark.django_db
def test_an_alert_is_not_merged_into_itself(authority, commission_staff):
    alert = make_alert(by=authority, status=S.UNDER_ASSESSMENT, staff=commission_staff)

    with pytest.raises(ValidationError) as refused:
        alert_merge(alert=alert, into=alert, by=commission_staff, note="Same")

    assert "merged_into" in refused.value.message_dict
    assert Alert.objects.get(pk=alert.pk).status == S.UNDER_ASSESSMENT


# --- escalation -------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_escalate_a_confirmed_alert_once_with_a_note(authority, commission_staff):
    alert = make_alert(by=authority, status=S.CONFIRMED, staff=commission_staff)

    alert_escalate(alert=alert, by=commission_staff, note="  Plants close next week. ")

    alert.refresh_from_db()
    assert alert.status == S.CONFIRMED
    assert alert.escalated is True
    assert alert.escalation_note == "Plants close next week."
    assert alert.escalated_by == commission_staff
    assert alert.escalated_at is not None
    step = AlertTransition.objects.filter(alert=alert).last()
    assert (step.kind, step.from_status, step.to_status, step.by, step.note) == (
        TransitionKind.ESCALATION,
        S.CONFIRMED,
        S.CONFIRMED,
        commission_staff,
        "Plants close next week.",
    )
    with pytest.raises(TransitionError):
        alert_escalate(alert=alert, by=commission_staff, note="Again")
    assert AlertTransition.objects.filter(alert=alert, kind=TransitionKind.ESCALATION).count() == 1
    assert Alert.objects.get(pk=alert.pk).escalation_note == "Plants close next week."


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.REPORTED, S.UNDER_ASSESSMENT, S.DISMISSED, S.RESOLVED])
def test_only_a_confirmed_alert_is_escalated(authority, commission_staff, status):
    alert = make_alert(by=authority, status=status, staff=commission_staff)

    with pytest.raises(TransitionError):
        alert_escalate(alert=alert, by=commission_staff, note="Urgent")

    alert.refresh_from_db()
    assert alert.escalated is False
    assert not AlertTransition.objects.filter(alert=alert, kind=TransitionKind.ESCALATION).exists()


@pytest.mark.django_db
def test_an_escalation_needs_a_note(authority, commission_staff):
    alert = make_alert(by=authority, status=S.CONFIRMED, staff=commission_staff)

    with pytest.raises(ValidationError) as refused:
        alert_escalate(alert=alert, by=commission_staff, note="  ")

    assert "note" in refused.value.message_dict
    assert Alert.objects.get(pk=alert.pk).escalated is False


@pytest.mark.django_db
def test_only_staff_escalate(authority, cluster_manager, commission_staff):
    alert = make_alert(by=authority, status=S.CONFIRMED, staff=commission_staff)

    for actor in (authority, cluster_manager):
        with pytest.raises(PermissionDenied):
            alert_escalate(alert=alert, by=actor, note="Please")

    assert Alert.objects.get(pk=alert.pk).escalated is False


# --- similar alerts ---------------------------------------------------------------------


@pytest.mark.django_db
def test_similar_open_alerts_are_suggested(authority, commission_staff):
    staff = commission_staff
    alert = make_alert(
        by=authority,
        title="Polypropylene shortage for face shields",
        type="raw_material_shortage",
        materials=["polypropylene", "PETG"],
        ecosystems=("health",),
    )
    same_materials = make_alert(
        by=authority,
        status=S.UNDER_ASSESSMENT,
        staff=staff,
        title="Converters stop visor production",
        type="supply_disruption",
        materials=["Polypropylene"],
        ecosystems=("health", "textile"),
    )
    same_type = make_alert(
        by=authority,
        status=S.CONFIRMED,
        staff=staff,
        title="Nitrile for gloves is scarce",
        type="raw_material_shortage",
        materials=["nitrile"],
        ecosystems=("health",),
    )
    similar_title = make_alert(
        by=authority,
        title="Polypropylene shortage for face shields in Flanders",
        type="other",
        materials=[],
        ecosystems=("health",),
    )
    other_ecosystem = make_alert(
        by=authority,
        title="Polypropylene shortage for car bumpers",
        type="raw_material_shortage",
        materials=["polypropylene"],
        ecosystems=("mobility-transport-automotive",),
    )
    closed = [
        make_alert(
            by=authority,
            status=status,
            staff=staff,
            title="Polypropylene shortage for face shields",
            type="raw_material_shortage",
            materials=["polypropylene"],
            ecosystems=("health",),
            merged_into=same_type if status == S.MERGED else None,
        )
        for status in (S.DISMISSED, S.RESOLVED, S.MERGED)
    ]
    unrelated = make_alert(
        by=authority,
        title="Labour restructuring in hospitals",
        type="labour_restructuring",
        materials=["nurses"],
        ecosystems=("health",),
    )

    suggested = similar_alerts(alert=Alert.objects.get(pk=alert.pk))

    assert set(suggested) == {same_materials, same_type, similar_title}
    assert other_ecosystem not in suggested
    assert not set(closed) & set(suggested)
    assert unrelated not in suggested
    assert alert not in suggested
    first = suggested[0]
    assert first in (same_materials, similar_title)
    assert next(s for s in suggested if s == same_materials).shared_materials == ["polypropylene"]


# --- reporting --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cluster_manager_reports_for_a_cluster_they_manage(cluster_manager):
    cluster = make_cluster(by=cluster_manager)

    alert = alert_report(
        by=cluster_manager, data=alert_data(cluster=cluster), ecosystems=["health", "textile"]
    )

    assert (alert.status, alert.cluster, alert.reported_by) == (
        S.REPORTED,
        cluster,
        cluster_manager,
    )
    assert sorted(e.slug for e in alert.ecosystems.all()) == ["health", "textile"]
    step = AlertTransition.objects.get(alert=alert)
    assert (step.from_status, step.to_status, step.by) == ("", S.REPORTED, cluster_manager)


@pytest.mark.django_db
def test_a_cluster_manager_cannot_report_for_another_cluster(
    cluster_manager, other_cluster_manager
):
    others = make_cluster(by=other_cluster_manager)

    with pytest.raises(ValidationError) as refused:
        alert_report(by=cluster_manager, data=alert_data(cluster=others), ecosystems=["health"])

    assert "cluster" in refused.value.message_dict
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_cluster_manager_must_name_a_cluster(cluster_manager):
    with pytest.raises(ValidationError) as refused:
        alert_report(by=cluster_manager, data=alert_data(), ecosystems=["health"])

    assert "cluster" in refused.value.message_dict


@pytest.mark.django_db
def test_a_verified_authority_reports_for_itself(authority, cluster_manager):
    cluster = make_cluster(by=cluster_manager)

    alert = alert_report(by=authority, data=alert_data(cluster=cluster), ecosystems=["health"])

    assert alert.cluster is None
    assert alert.reported_by == authority


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["company_user", "unverified_authority", "commission_staff"])
def test_others_cannot_report(request, who):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        alert_report(by=user, data=alert_data(), ecosystems=["health"])

    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_deactivated_authority_cannot_report(authority):
    authority.is_active = False
    authority.save()

    with pytest.raises(PermissionDenied):
        alert_report(by=authority, data=alert_data(), ecosystems=["health"])


BAD = [
    ("ecosystems", {}, ["no-such-ecosystem"]),
    ("ecosystems", {}, []),
    ("started_on", {"started_on": timezone.localdate() + datetime.timedelta(days=1)}, None),
    ("companies_affected", {"companies_affected": -1}, None),
    ("evidence", {"evidence": "e" * (MAX_EVIDENCE_CHARS + 1)}, None),
    ("type", {"type": "alien_invasion"}, None),
    ("value_chain_stage", {"value_chain_stage": "orbit"}, None),
    ("severity", {"severity": "apocalyptic"}, None),
    ("countries", {"countries": []}, None),
    ("countries", {"countries": ["XX"]}, None),
    ("evidence_links", {"evidence_links": ["javascript:alert(1)"]}, None),
    ("materials", {"materials": ["m" * 101]}, None),
    ("expected_duration_days", {"expected_duration_days": 0}, None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "change", "ecosystems"), BAD)
def test_bad_input_is_refused_with_a_field_message(authority, field, change, ecosystems):
    with pytest.raises(ValidationError) as refused:
        alert_report(
            by=authority,
            data=alert_data(**change),
            ecosystems=["health"] if ecosystems is None else ecosystems,
        )

    assert field in refused.value.message_dict
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_the_reporter_corrects_until_assessment_begins(authority, commission_staff):
    alert = make_alert(by=authority)
    other = make_user(Role.AUTHORITY, verified=True)

    alert_update(alert=alert, by=authority, data={"severity": "critical"}, ecosystems=["textile"])
    with pytest.raises(PermissionDenied):
        alert_update(alert=alert, by=other, data={"severity": "low"})
    with pytest.raises(PermissionDenied):
        alert_update(alert=alert, by=commission_staff, data={"severity": "low"})
    alert_transition(alert=alert, to_status=S.UNDER_ASSESSMENT, by=commission_staff)
    with pytest.raises(PermissionDenied):
        alert_update(alert=alert, by=authority, data={"severity": "low"})

    alert.refresh_from_db()
    assert alert.severity == "critical"
    assert [e.slug for e in alert.ecosystems.all()] == ["textile"]
