"""Interaction writes in flight: two at once, never two sharing an interaction."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from service.ingest import InteractionWrites


def recorded(name: str, events: list[str], until: asyncio.Event) -> Callable[[], Awaitable[None]]:
    async def write() -> None:
        events.append(f"{name} starts")
        await until.wait()
        events.append(f"{name} ends")

    return write


async def test_a_write_sharing_an_interaction_waits_for_the_earlier_one() -> None:
    writes, events, first_may_end, now = InteractionWrites(), [], asyncio.Event(), asyncio.Event()
    now.set()
    await writes.start(recorded("first", events, first_may_end), {"store:1", "store:2"}, reached=0)
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_later(0.02, first_may_end.set)
    await writes.start(recorded("second", events, now), {"store:2"}, reached=10)
    await writes.drain()
    assert events == ["first starts", "first ends", "second starts", "second ends"]


async def test_writes_of_other_interactions_run_two_at_a_time() -> None:
    writes, events, release = InteractionWrites(), [], asyncio.Event()
    await writes.start(recorded("a", events, release), {"a"}, reached=0)
    await writes.start(recorded("b", events, release), {"b"}, reached=10)
    await asyncio.sleep(0)
    assert events == ["a starts", "b starts"]
    assert writes.done_through(20) == 0  # nothing after the lines before `a` has surely landed
    third = asyncio.create_task(writes.start(recorded("c", events, release), {"c"}, reached=20))
    await asyncio.sleep(0.02)
    assert events == ["a starts", "b starts"]  # no room for a third
    release.set()
    await third
    await writes.drain()
    assert events[-1] == "c ends" and events.index("c starts") > events.index("a ends")
    assert writes.done_through(30) == 30
