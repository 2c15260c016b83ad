"""Scheduling: one enqueue per committed transaction, whatever its atomic blocks did."""

from unittest import mock

import pytest
from django.db import transaction

from funding.scopes import Scopes
from funding.services import funding_totals_schedule

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def enqueued():
    with mock.patch("funding.services.scheduling.funding_totals_enqueue") as enqueue:
        yield enqueue


def sent(enqueue) -> list[Scopes]:
    return [call.kwargs["scopes"] for call in enqueue.call_args_list]


def test_scopes_of_one_transaction_are_enqueued_once_after_commit(
    enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            funding_totals_schedule(scopes=Scopes(cluster_ids={1}))
            funding_totals_schedule(scopes=Scopes(national_years={2023}))
            assert not enqueued.called  # nothing before the commit
    assert sent(enqueued) == [Scopes(cluster_ids={1}, national_years={2023})]


def test_released_inner_blocks_join_the_same_single_enqueue(
    enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for pk in (1, 2, 3):  # e.g. one write service per admin inline, each atomic
                with transaction.atomic():
                    funding_totals_schedule(scopes=Scopes(cluster_ids={pk}))
            funding_totals_schedule(scopes=Scopes(cluster_ids={4}))
    assert len(callbacks) >= 1
    assert sent(enqueued) == [Scopes(cluster_ids={1, 2, 3, 4})]


def test_a_rolled_back_savepoint_drops_only_its_own_scopes(
    enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            funding_totals_schedule(scopes=Scopes(cluster_ids={1}))
            with pytest.raises(Boom), transaction.atomic():
                funding_totals_schedule(scopes=Scopes(cluster_ids={2}))
                with transaction.atomic():
                    funding_totals_schedule(scopes=Scopes(cluster_ids={3}))
                raise Boom
            funding_totals_schedule(scopes=Scopes(cluster_ids={4}))
    assert sent(enqueued) == [Scopes(cluster_ids={1, 4})]


def test_a_rolled_back_first_block_does_not_lose_later_scopes(
    enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            with pytest.raises(Boom), transaction.atomic():
                funding_totals_schedule(scopes=Scopes(cluster_ids={1}))
                raise Boom
            funding_totals_schedule(scopes=Scopes(cluster_ids={2}))
    assert sent(enqueued) == [Scopes(cluster_ids={2})]


def test_a_rolled_back_transaction_enqueues_nothing_and_the_next_one_still_works(
    enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Boom), transaction.atomic():
            funding_totals_schedule(scopes=Scopes(cluster_ids={1}))
            raise Boom
    assert not enqueued.called
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            funding_totals_schedule(scopes=Scopes(cluster_ids={2}))
    assert sent(enqueued) == [Scopes(cluster_ids={2})]


def test_two_transactions_enqueue_twice(enqueued, django_capture_on_commit_callbacks):
    for pk in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                funding_totals_schedule(scopes=Scopes(cluster_ids={pk}))
    assert sent(enqueued) == [Scopes(cluster_ids={1}), Scopes(cluster_ids={2})]


def test_empty_scopes_schedule_nothing(enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        funding_totals_schedule(scopes=Scopes())
    assert callbacks == [] and not enqueued.called


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_is_enqueued_at_once(enqueued):
    assert transaction.get_autocommit()
    funding_totals_schedule(scopes=Scopes(cluster_ids={7}))
    assert sent(enqueued) == [Scopes(cluster_ids={7})]


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_enqueues_once_and_a_real_rollback_nothing(enqueued):
    with transaction.atomic():
        funding_totals_schedule(scopes=Scopes(cluster_ids={1}))
        with transaction.atomic():
            funding_totals_schedule(scopes=Scopes(cluster_ids={2}))
    assert sent(enqueued) == [Scopes(cluster_ids={1, 2})]
    with pytest.raises(Boom), transaction.atomic():
        funding_totals_schedule(scopes=Scopes(cluster_ids={3}))
        raise Boom
    with transaction.atomic():
        funding_totals_schedule(scopes=Scopes(cluster_ids={4}))
    assert sent(enqueued) == [Scopes(cluster_ids={1, 2}), Scopes(cluster_ids={4})]
