"""Recording, changing, deciding and deleting interventions: who may, what is checked, what is audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.audit.models import AuditEntry
from indicators.core.report_vocabulary import FACTOR_KEYS
from indicators.interventions.models import Intervention, Status
from indicators.interventions.services import (
    intervention_accept,
    intervention_decline,
    intervention_delete,
    intervention_update,
)
from surveys.models import REPORT_FACTORS

pytestmark = pytest.mark.django_db


def entries(pk):
    return list(AuditEntry.objects.filter(object_type="interventions.intervention", object_id=str(pk)).order_by("id"))


def test_the_factor_keys_are_the_surveys_factor_keys():
    assert FACTOR_KEYS == REPORT_FACTORS


def test_an_officer_records_an_intervention_that_counts_at_once(places, record):
    made = record(recommendations=["local_welfare_to_work"], end_date="2023-03-31", description="  Drop-in  ")
    made.refresh_from_db()
    assert made.status == Status.ACCEPTED
    assert made.decided_by == places["leeds_officer"]
    assert made.decided_at is not None
    assert made.created_by == places["leeds_officer"]
    assert made.end_date == dt.date(2023, 3, 31)
    assert made.description == "Drop-in"
    assert made.factor_keys == ["work_connection"]
    assert made.recommendation_keys == ["local_welfare_to_work"]
    assert list(made.neighbourhoods.all()) == [places["harehills"]]
    [entry] = entries(made.pk)
    assert (entry.action, entry.actor) == ("add", "leeds.officer")
    assert entry.detail["after"]["factors"] == ["work_connection"]


def test_an_estate_manager_proposes_and_an_officer_decides(places, record):
    proposal = record(user=places["anfield_manager"], neighbourhoods=[places["anfield"]], title="Anfield clean-up")
    assert proposal.status == Status.PROPOSED
    assert proposal.decided_at is None
    with pytest.raises(PermissionDenied):  # Leeds's officer does not look after Anfield
        intervention_accept(user=places["leeds_officer"], intervention=proposal)
    with pytest.raises(PermissionDenied):  # nor does its proposer decide
        intervention_accept(user=places["anfield_manager"], intervention=proposal)
    accepted = intervention_accept(user=places["admin"], intervention=proposal, note="Agreed at the estate board")
    assert accepted.status == Status.ACCEPTED
    assert accepted.decided_by == places["admin"]
    with pytest.raises(ValidationError) as caught:
        intervention_decline(user=places["admin"], intervention=accepted)
    assert "already recorded" in str(caught.value)
    assert [e.summary for e in entries(proposal.pk)] == ["proposed: Anfield clean-up", "accepted: Anfield clean-up"]


def test_a_declined_proposal_keeps_its_reason(places, record):
    proposal = record(user=places["anfield_manager"], neighbourhoods=[places["anfield"]])
    declined = intervention_decline(user=places["admin"], intervention=proposal, note="Already recorded as #12")
    declined.refresh_from_db()
    assert (declined.status, declined.decision_note) == (Status.DECLINED, "Already recorded as #12")
    assert not Intervention.objects.accepted().filter(pk=declined.pk).exists()


def test_officers_record_only_for_their_own_places(places, record):
    with pytest.raises(ValidationError) as caught:
        record(neighbourhoods=[places["harehills"], places["anfield"]])
    assert "neighbourhoods" in caught.value.message_dict
    assert not Intervention.objects.exists()
    with pytest.raises(PermissionDenied):
        record(user=places["no_role"])
    assert record(user=places["admin"], neighbourhoods=[places["harehills"], places["anfield"]]).pk


def test_bad_input_is_named_field_by_field(places, record):
    with pytest.raises(ValidationError) as caught:
        record(
            title="   ",
            lead_organisation="",
            start_date="2022-13-01",
            neighbourhoods=[],
            factors=["weather"],
        )
    errors = caught.value.message_dict
    assert set(errors) == {"title", "lead_organisation", "start_date", "neighbourhoods", "factors"}
    assert "year-month-day" in errors["start_date"][0]
    assert "weather" in errors["factors"][0]
    with pytest.raises(ValidationError) as caught:
        record(start_date="2023-05-01", end_date="2023-04-30")
    assert "before the start" in caught.value.message_dict["end_date"][0]
    with pytest.raises(ValidationError) as caught:
        record(factors=[], recommendations=[])
    assert "at least one" in caught.value.message_dict["factors"][0]
    with pytest.raises(ValidationError) as caught:
        record(title="Hub\x00")
    assert "title" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        record(start_date="1066-10-14")
    assert "start_date" in caught.value.message_dict
    assert not Intervention.objects.exists()


def test_an_update_changes_what_is_given_and_is_audited(places, record):
    made = record()
    changed = intervention_update(
        user=places["leeds_officer"],
        intervention=made,
        end_date=dt.date(2024, 3, 31),
        factors=["work_connection", "confidence"],
        neighbourhoods=[places["harehills"], places["seacroft"]],
    )
    assert changed.title == "Harehills employment hub"
    assert changed.factor_keys == ["work_connection", "confidence"]
    assert {n.name for n in changed.neighbourhoods.all()} == {"Harehills", "Seacroft"}
    entry = entries(made.pk)[-1]
    assert entry.action == "change"
    assert entry.detail["changed"] == ["end_date", "factors", "neighbourhoods"]
    assert entry.detail["before"]["end_date"] is None
    assert entry.detail["after"]["end_date"] == "2024-03-31"


def test_no_one_changes_or_deletes_another_authoritys_intervention(places, record):
    liverpool = record(user=places["admin"], neighbourhoods=[places["anfield"]], title="Anfield hub")
    with pytest.raises(PermissionDenied):
        intervention_update(user=places["leeds_officer"], intervention=liverpool, title="Mine now")
    with pytest.raises(PermissionDenied):
        intervention_delete(user=places["leeds_officer"], intervention=liverpool)
    # An estate manager of Anfield sees it but cannot change what an officer recorded.
    with pytest.raises(PermissionDenied):
        intervention_update(user=places["anfield_manager"], intervention=liverpool, title="Mine now")
    liverpool.refresh_from_db()
    assert liverpool.title == "Anfield hub"


def test_a_proposer_may_change_or_withdraw_a_proposal_until_it_is_decided(places, record):
    proposal = record(user=places["anfield_manager"], neighbourhoods=[places["anfield"]], title="Clean-up")
    intervention_update(user=places["anfield_manager"], intervention=proposal, title="Crime and grime clean-up")
    intervention_accept(user=places["admin"], intervention=proposal)
    with pytest.raises(PermissionDenied):
        intervention_update(user=places["anfield_manager"], intervention=proposal, title="Again")
    second = record(user=places["anfield_manager"], neighbourhoods=[places["anfield"]], title="Second")
    intervention_delete(user=places["anfield_manager"], intervention=second)
    assert not Intervention.objects.filter(pk=second.pk).exists()
    assert entries(second.pk)[-1].action == "delete"


def test_an_officer_deletes_and_the_log_keeps_what_it_was(places, record):
    made = record()
    pk = made.pk
    intervention_delete(user=places["leeds_officer"], intervention=made)
    assert not Intervention.objects.filter(pk=pk).exists()
    last = entries(pk)[-1]
    assert (last.action, last.detail["before"]["title"]) == ("delete", "Harehills employment hub")
