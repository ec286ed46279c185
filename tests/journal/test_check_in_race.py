"""Issue 9 (7): the first check-in of a day saved twice at the same moment (two tabs, a retried
request) is an insert-or-correct: both saves succeed, one row, no server error."""

import json
import threading

import pytest
from django.db import connection, connections

from homegroup.audit.models import AuditEvent
from homegroup.journal.models import CheckIn
from tests.journal.journal_data import start_journal, today_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time, so two first saves cannot both insert the day; "
    "the race is a PostgreSQL one (run the suite with DATABASE_URL=postgres://…)",
)
def test_two_first_saves_of_a_day_at_the_same_moment_both_succeed_as_one_row(
    people, client_for, monkeypatch
):
    start_journal(people.ana)
    day = today_of(people.ana)
    # Both requests have looked for the day and found none before either inserts it: the race.
    both_looked = threading.Barrier(2, timeout=20)
    insert = CheckIn.save

    def insert_when_both_looked(self, *args, **kwargs):
        if self.pk is None:
            both_looked.wait()
        return insert(self, *args, **kwargs)

    monkeypatch.setattr(CheckIn, "save", insert_when_both_looked)
    bodies = [
        {"use": "none", "mood": 3, "note": "from the first tab"},
        {"use": "none", "mood": 4, "note": "from the second tab"},
    ]
    clients = [client_for(people.ana), client_for(people.ana)]
    answers: list[object] = [None, None]

    def save(index: int) -> None:
        try:
            answers[index] = clients[index].put(
                f"/api/v1/me/checkins/{day}",
                data=json.dumps(bodies[index]),
                content_type="application/json",
            )
        except Exception as error:  # the answer on main: IntegrityError, a 500
            answers[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [getattr(answer, "status_code", answer) for answer in answers] == [200, 200]
    row = CheckIn.objects.get(person=people.ana, date=day)
    assert (row.mood, row.note) in {(3, "from the first tab"), (4, "from the second tab")}
    actions = sorted(
        AuditEvent.objects.filter(
            subject_id=people.ana.pk, action__startswith="journal.check_in"
        ).values_list("action", flat=True)
    )
    assert actions == ["journal.check_in", "journal.check_in_edit"]
