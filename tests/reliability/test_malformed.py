"""1,000 malformed entries among 10,000 valid ones, drawn by Hypothesis in 50 rounds of 20 among 200: the consumer
never crashes, parks each malformed entry in the dead-letter stream with a reason naming the field and the original
fields, and stores every valid event. A failing round shrinks to the smallest entry that shows the problem."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from datetime import UTC, datetime

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from dashboard.config import get_settings
from dashboard.data.db import get_engine
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event, stream_fields
from tests.reliability.malformed import Entry, malformed_entries
from tests.reliability.traffic import burst, dead_letters, pending, push, records, stored_among, stored_ids
from tests.support.events import hazard_reported

ROUNDS, MALFORMED, VALID = 50, 20, 200


def names_field(reason: str, field: str) -> bool:
    return re.search(rf"(?:^|; ){re.escape(field)}: ", reason) is not None


def test_malformed_entries_are_dead_lettered_with_their_reason_and_every_valid_one_is_stored(token: str) -> None:
    received = datetime.now(UTC)
    stream, dead_letter = get_settings().event_stream, get_settings().dead_letter_stream
    consumer = StreamConsumer(get_redis(), name="consumer", block_ms=10)
    consumer.ensure_group()
    tally: Counter[str] = Counter()

    @settings(
        max_examples=ROUNDS,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(malformed_entries(received), min_size=MALFORMED, max_size=MALFORMED), st.randoms())
    def one_round(malformed: list[tuple[Entry, str]], shuffler: random.Random) -> None:
        valid = burst(VALID, seed=shuffler.randrange(2**32))
        mixed: list[tuple[Entry, str | None]] = [(stream_fields(parse_event(event), received), None) for event in valid]
        mixed += malformed
        shuffler.shuffle(mixed)
        newest_letter = get_redis().xrevrange(dead_letter, count=1)
        pipe = get_redis().pipeline(transaction=False)
        for fields, _ in mixed:
            pipe.xadd(stream, fields)  # type: ignore[arg-type]
        stream_ids = pipe.execute()

        while consumer.poll_once():  # raises if the consumer would crash
            pass
        since = f"({newest_letter[0][0]}" if newest_letter else "-"
        letters = {letter["stream_id"]: letter for _, letter in get_redis().xrange(dead_letter, min=since)}
        expected = {stream_id: entry for stream_id, entry in zip(stream_ids, mixed, strict=True) if entry[1]}
        assert set(letters) == set(expected)  # every malformed entry parked, nothing else
        for stream_id, (fields, field) in expected.items():
            assert names_field(letters[stream_id]["reason"], str(field)), (letters[stream_id]["reason"], field)
            assert json.loads(letters[stream_id]["fields"]) == fields  # the original, ready to replay
        assert stored_among([event["event_id"] for event in valid]) == {event["event_id"] for event in valid}
        assert pending() == 0
        tally.update(malformed=len(malformed), valid=len(valid))

    one_round()
    assert tally == {"malformed": 1_000, "valid": 10_000}
    assert (records(), len(dead_letters()), pending()) == (10_000, 1_000, 0)


def test_an_event_that_cannot_be_stored_stops_neither_the_consumer_nor_the_rest_of_its_batch(token: str) -> None:
    # Valid by the contract, but the database refuses its row (a trigger installed here stands for any refusal the
    # contract cannot foresee): like any entry the store keeps refusing, it is parked.
    unstorable = hazard_reported(summary=REFUSED)
    refuse_rows_with(REFUSED)
    events = burst(99)
    push([*events[:50], unstorable, *events[50:]])
    consumer = StreamConsumer(get_redis(), name="consumer", reclaim_idle_ms=0, block_ms=10)
    consumer.ensure_group()
    for _ in range(6):
        consumer.poll_once()
    assert stored_ids() == Counter(event["event_id"] for event in events)
    [letter] = dead_letters()
    assert letter["reason"] == "not stored after 3 deliveries"
    assert json.loads(json.loads(letter["fields"])["event"])["event_id"] == unstorable["event_id"]
    assert pending() == 0


REFUSED = "the database refuses this row"


def refuse_rows_with(summary: str) -> None:
    """A trigger that makes the database refuse any hazard with this summary."""
    with get_engine().begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text(
                    "CREATE OR REPLACE FUNCTION refuse_hazard() RETURNS trigger LANGUAGE plpgsql AS "
                    f"$$ BEGIN IF NEW.summary = '{summary}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$"
                )
            )
            connection.execute(text("DROP TRIGGER IF EXISTS refuse ON hazard"))  # the schema outlives the test
            connection.execute(
                text("CREATE TRIGGER refuse BEFORE INSERT ON hazard FOR EACH ROW EXECUTE FUNCTION refuse_hazard()")
            )
        else:
            connection.execute(
                text(
                    f"CREATE TRIGGER refuse BEFORE INSERT ON hazard WHEN NEW.summary = '{summary}' "
                    "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
