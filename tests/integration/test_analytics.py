"""Every analyst query of `cypher/analytics/` on a small hand-built graph, with the exact rows it answers.

Each graph is written in the shape the service's write queries produce: interactions, devices,
consents and relationships hang off source records, and source records belong to customers. Most
graphs also hold a customer merged away that still has a record, which no query may count.
"""

from __future__ import annotations

from typing import Any

import pytest
from typer import Typer
from typer.testing import CliRunner

from service.analytics import (
    BadParameter,
    WriteRefused,
    cypher_command,
    execute_read,
    query_names,
    run_query,
)
from service.graph.database import Database

AS_OF = "2025-01-01T00:00:00Z"

# A customer merged into `a` that (wrongly) kept a record with a big purchase, a complaint, a
# device and a consent: any of it in an answer means a query counted a dead customer.
MERGED_AWAY = """
MERGE (a:Customer {id: 'a'})
CREATE (gone:Customer {id: 'gone', mergedInto: 'a', influenceScore: 5.0})-[:MERGED_INTO]->(a),
       (gone)<-[:BELONGS_TO]-(rg:SourceRecord {key: 'old:1', source: 'old', pending: false}),
       (rg)-[:HAD]->(:Interaction {key: 'gone-1', channel: 'WEB', kind: 'PURCHASE', value: 1000.0,
                                   currency: 'GBP', occurredAt: datetime('2022-01-01T10:00:00Z')}),
       (rg)-[:HAD]->(:Interaction {key: 'gone-2', channel: 'PHONE', kind: 'COMPLAINT', status: 'OPEN',
                                   agent: 'Hayley', occurredAt: datetime('2024-12-31T10:00:00Z')}),
       (rg)-[:USED]->(:Device {id: 'gone-dev', kind: 'MOBILE', os: 'iOS'})
"""


async def graph(database: Database, cypher: str, with_merged: bool = True) -> None:
    await database.driver.execute_query(cypher)
    if with_merged:
        await database.driver.execute_query(MERGED_AWAY)


async def rows(database: Database, name: str, **params: Any) -> list[dict[str, Any]]:
    return (await run_query(database, name, params)).rows


def test_every_query_has_a_test_here() -> None:
    tested = {name.removeprefix("test_").split("__")[0] for name in globals() if name.startswith("test_")}
    assert set(query_names()) <= tested


async def test_channel_mix(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (a:Customer {id: 'a'})<-[:BELONGS_TO]-(ra:SourceRecord {key: 'crm:1', source: 'crm'}),
               (b:Customer {id: 'b'})<-[:BELONGS_TO]-(rb:SourceRecord {key: 'crm:2', source: 'crm'}),
               (waiting:SourceRecord {key: 'web:9', pending: true}),
               (ra)-[:HAD]->(:Interaction {key: 'i1', channel: 'WEB', kind: 'PURCHASE', value: 10.5,
                                           currency: 'GBP'}),
               (ra)-[:HAD]->(:Interaction {key: 'i2', channel: 'WEB', kind: 'PURCHASE', value: 4.0,
                                           currency: 'GBP'}),
               (rb)-[:HAD]->(:Interaction {key: 'i3', channel: 'WEB', kind: 'PURCHASE', value: 20.0,
                                           currency: 'AUD'}),
               (rb)-[:HAD]->(:Interaction {key: 'i4', channel: 'WEB', kind: 'LOGIN'}),
               (ra)-[:HAD]->(:Interaction {key: 'i5', channel: 'STORE', kind: 'RETURN', value: 4.0,
                                           currency: 'GBP'}),
               (waiting)-[:HAD]->(:Interaction {key: 'i6', channel: 'WEB', kind: 'PURCHASE', value: 99.0,
                                                currency: 'GBP'})
        """,
    )
    assert await rows(database, "channel_mix") == [
        {
            "channel": "STORE",
            "kind": "RETURN",
            "currency": "GBP",
            "interactions": 1,
            "customers": 1,
            "value": 4.0,
        },
        {
            "channel": "WEB",
            "kind": "LOGIN",
            "currency": None,
            "interactions": 1,
            "customers": 1,
            "value": 0.0,
        },
        {
            "channel": "WEB",
            "kind": "PURCHASE",
            "currency": "AUD",
            "interactions": 1,
            "customers": 1,
            "value": 20.0,
        },
        {
            "channel": "WEB",
            "kind": "PURCHASE",
            "currency": "GBP",
            "interactions": 2,
            "customers": 1,
            "value": 14.5,
        },
    ]


async def test_device_mix(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (a:Customer {id: 'a'})<-[:BELONGS_TO]-(ra:SourceRecord {key: 'crm:1'}),
               (b:Customer {id: 'b'})<-[:BELONGS_TO]-(rb:SourceRecord {key: 'crm:2'}),
               (d1:Device {id: 'd1', kind: 'MOBILE', os: 'iOS'}),
               (d2:Device {id: 'd2', kind: 'MOBILE', os: 'iOS'}),
               (d3:Device {id: 'd3', kind: 'DESKTOP', os: 'Windows'}), (d4:Device {id: 'd4', kind: 'TABLET'}),
               (ra)-[:USED]->(d1), (ra)-[:USED]->(d2),
               (rb)-[:HAD]->(:Interaction {key: 'i1', channel: 'APP', kind: 'LOGIN'})-[:VIA]->(d1),
               (ra)-[:HAD]->(:Interaction {key: 'i2', channel: 'WEB', kind: 'LOGIN'})-[:VIA]->(d3),
               (ra)-[:HAD]->(:Interaction {key: 'i3', channel: 'WEB', kind: 'PURCHASE'})-[:VIA]->(d3),
               (:SourceRecord {key: 'web:9', pending: true})-[:USED]->(d4)
        """,
    )
    assert await rows(database, "device_mix") == [
        {"kind": "MOBILE", "os": "iOS", "devices": 2, "customers": 2, "interactions": 1},
        {"kind": "DESKTOP", "os": "Windows", "devices": 1, "customers": 1, "interactions": 2},
    ]


async def test_engagement_by_region(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (a:Customer {id: 'a'}), (b:Customer {id: 'b'}), (c:Customer {id: 'c'}), (d:Customer {id: 'd'}),
               (sa:Address {key: 'sa', country: 'AU', region: 'SA'}),
               (a)<-[:BELONGS_TO]-(ra1:SourceRecord {key: 'a1', observedAt: datetime('2024-01-01T00:00:00Z')})
                  -[:AT_ADDRESS]->(:Address {key: 'london', country: 'GB', region: 'London'}),
               (a)<-[:BELONGS_TO]-(ra2:SourceRecord {key: 'a2', observedAt: datetime('2024-06-01T00:00:00Z')})
                  -[:AT_ADDRESS]->(:Address {key: 'kent', country: ' gb ', region: 'Kent'}),
               (a)<-[:BELONGS_TO]-(:SourceRecord {key: 'a3'})
                  -[:AT_ADDRESS]->(:Address {key: 'paris', country: 'FR', region: 'IDF'}),
               (ra1)-[:HAD]->(:Interaction {key: 'i1'}), (ra2)-[:HAD]->(:Interaction {key: 'i2'}),
               (b)<-[:BELONGS_TO]-(:SourceRecord {key: 'b1'})-[:AT_ADDRESS]->(sa),
               (c)<-[:BELONGS_TO]-(:SourceRecord {key: 'c1'})-[:HAD]->(:Interaction {key: 'i3'}),
               (d)<-[:BELONGS_TO]-(rd:SourceRecord {key: 'd1'})-[:AT_ADDRESS]->(sa),
               (rd)-[:HAD]->(:Interaction {key: 'i4'})
        """,
        with_merged=False,
    )
    assert await rows(database, "engagement_by_region") == [
        {"country": "AU", "region": "SA", "customers": 2, "engaged": 1, "interactions": 1},
        {"country": "GB", "region": "Kent", "customers": 1, "engaged": 1, "interactions": 2},
        {"country": None, "region": None, "customers": 1, "engaged": 1, "interactions": 1},
    ]


TIMES = """
CREATE (a:Customer {id: 'a'})<-[:BELONGS_TO]-(ra:SourceRecord {key: 'a1'}),
       (b:Customer {id: 'b'})<-[:BELONGS_TO]-(rb:SourceRecord {key: 'b1'}),
       (ra)-[:HAD]->(:Interaction {key: 'i1', channel: 'WEB', occurredAt: datetime('2024-03-04T09:15:00Z')}),
       (ra)-[:HAD]->(:Interaction {key: 'i2', channel: 'WEB', occurredAt: datetime('2024-03-04T09:45:00Z')}),
       (rb)-[:HAD]->(:Interaction {key: 'i3', channel: 'STORE',
                                  occurredAt: datetime('2024-03-04T09:05:00+10:00')}),
       (rb)-[:HAD]->(:Interaction {key: 'i4', channel: 'WEB', occurredAt: datetime('2024-03-10T23:30:00Z')}),
       (rb)-[:HAD]->(:Interaction {key: 'i5', channel: 'WEB'})
"""


async def test_engagement_by_time(database: Database) -> None:
    await graph(database, TIMES)
    assert await rows(database, "engagement_by_time") == [
        {"weekday": 1, "day": "Mon", "hour": 9, "interactions": 3, "customers": 2},
        {"weekday": 7, "day": "Sun", "hour": 23, "interactions": 1, "customers": 1},
    ]


async def test_engagement_by_time__in_one_zone_and_one_channel(database: Database) -> None:
    await graph(database, TIMES)
    # In UTC the Adelaide store visit on Monday morning was Sunday night.
    assert await rows(database, "engagement_by_time", timezone="UTC") == [
        {"weekday": 1, "day": "Mon", "hour": 9, "interactions": 2, "customers": 1},
        {"weekday": 7, "day": "Sun", "hour": 23, "interactions": 2, "customers": 1},
    ]
    assert await rows(database, "engagement_by_time", channel="STORE") == [
        {"weekday": 1, "day": "Mon", "hour": 9, "interactions": 1, "customers": 1},
    ]
    # Values travel as parameters: a quote in one is just a channel nobody used.
    assert await rows(database, "engagement_by_time", channel="WEB' OR true //") == []


CAMPAIGNS = """
CREATE (a:Customer {id: 'a'})<-[:BELONGS_TO]-(ra:SourceRecord {key: 'a1'}),
       (b:Customer {id: 'b'})<-[:BELONGS_TO]-(rb:SourceRecord {key: 'b1'}),
       (ra)-[:HAD]->(:Interaction {key: 'c1', channel: 'EMAIL', kind: 'CAMPAIGN_RESPONSE',
                                  occurredAt: datetime('2024-01-10T08:00:00Z')}),
       (ra)-[:HAD]->(:Interaction {key: 'c2', channel: 'EMAIL', kind: 'CAMPAIGN_RESPONSE',
                                  occurredAt: datetime('2024-01-25T08:00:00Z')}),
       (ra)-[:HAD]->(:Interaction {key: 'p1', channel: 'WEB', kind: 'PURCHASE',
                                  occurredAt: datetime('2024-01-20T08:00:00Z')}),
       (rb)-[:HAD]->(:Interaction {key: 'c3', channel: 'EMAIL', kind: 'CAMPAIGN_RESPONSE',
                                  occurredAt: datetime('2024-01-15T08:00:00Z')}),
       (rb)-[:HAD]->(:Interaction {key: 'c4', channel: 'SOCIAL', kind: 'CAMPAIGN_RESPONSE',
                                  occurredAt: datetime('2024-02-28T08:00:00Z')}),
       (rb)-[:HAD]->(:Interaction {key: 'p2', channel: 'STORE', kind: 'PURCHASE',
                                  occurredAt: datetime('2024-03-01T08:00:00Z')})
"""


async def test_campaign_responses_by_month(database: Database) -> None:
    await graph(database, CAMPAIGNS)
    assert await rows(database, "campaign_responses_by_month") == [
        {"month": "2024-01", "channel": "EMAIL", "responses": 3, "customers": 2, "buyers": 1},
        {"month": "2024-02", "channel": "SOCIAL", "responses": 1, "customers": 1, "buyers": 1},
    ]
    # b's January response came 46 days before their purchase.
    assert (await rows(database, "campaign_responses_by_month", days=60))[0]["buyers"] == 2


async def test_contact_reasons(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (a:Customer {id: 'a'})<-[:BELONGS_TO]-(ra:SourceRecord {key: 'a1'}),
               (b:Customer {id: 'b'})<-[:BELONGS_TO]-(rb:SourceRecord {key: 'b1'}),
               (:Customer {id: 'c'})<-[:BELONGS_TO]-(:SourceRecord {key: 'c1'}),
               (ra)-[:HAD]->(:Interaction {key: 'i1', channel: 'WEB', kind: 'PURCHASE'}),
               (ra)-[:HAD]->(:Interaction {key: 'i2', channel: 'STORE', kind: 'PURCHASE'}),
               (ra)-[:HAD]->(:Interaction {key: 'i3', channel: 'STORE', kind: 'PURCHASE'}),
               (ra)-[:HAD]->(:Interaction {key: 'i4', channel: 'PHONE', kind: 'COMPLAINT'}),
               (rb)-[:HAD]->(:Interaction {key: 'i5', channel: 'CHAT', kind: 'COMPLAINT'}),
               (rb)-[:HAD]->(:Interaction {key: 'i6', channel: 'APP', kind: 'LOGIN'})
        """,
    )
    assert await rows(database, "contact_reasons") == [
        {
            "kind": "PURCHASE",
            "interactions": 3,
            "customers": 1,
            "customerShare": 0.5,
            "channels": ["STORE", "WEB"],
        },
        {
            "kind": "COMPLAINT",
            "interactions": 2,
            "customers": 2,
            "customerShare": 1.0,
            "channels": ["CHAT", "PHONE"],
        },
        {"kind": "LOGIN", "interactions": 1, "customers": 1, "customerShare": 0.5, "channels": ["APP"]},
    ]


REFERRALS = """
CREATE (:Customer {id: 'r', displayName: 'Rita'})
         <-[:BELONGS_TO]-(rr:SourceRecord {key: 'r1', observedAt: datetime('2020-01-01T00:00:00Z')}),
       (:Customer {id: 'n1'})<-[:BELONGS_TO]-
         (:SourceRecord {key: 'n1', observedAt: datetime('2024-06-01T00:00:00Z')})
         -[:RELATES_TO {kind: 'REFERRED_BY'}]->(rr),
       (:Customer {id: 'n2'})<-[:BELONGS_TO]-
         (n2:SourceRecord {key: 'n2', observedAt: datetime('2024-02-01T00:00:00Z')})
         -[:RELATES_TO {kind: 'REFERRED_BY'}]->(rr),
       (n2)-[:HAD]->(:Interaction {key: 'i2', occurredAt: datetime('2023-12-01T00:00:00Z')}),
       (:Customer {id: 'n3'})<-[:BELONGS_TO]-
         (n3:SourceRecord {key: 'n3', observedAt: datetime('2024-09-01T00:00:00Z')}),
       (:Customer {id: 'n4'})<-[:BELONGS_TO]-
         (:SourceRecord {key: 'n4', observedAt: datetime('2024-10-01T00:00:00Z')})
         -[:RELATES_TO {kind: 'REFERRED_BY'}]->(:SourceRecord {key: 'crm:77', pending: true}),
       (:Customer {id: 'n5'})<-[:BELONGS_TO]-
         (:SourceRecord {key: 'n5', observedAt: datetime('2025-02-01T00:00:00Z')})
         -[:RELATES_TO {kind: 'REFERRED_BY'}]->(rr),
       (:Customer {id: 'n6'})<-[:BELONGS_TO]-(n6:SourceRecord {key: 'n6'})
         -[:RELATES_TO {kind: 'REFERRED_BY'}]->(rr),
       (n6)-[:HAD]->(:Interaction {key: 'i6', occurredAt: datetime('2024-12-01T00:00:00Z')}),
       (n3)-[:RELATES_TO {kind: 'FOLLOWS'}]->(rr)
"""


async def test_referral_sources(database: Database) -> None:
    await graph(database, REFERRALS)
    assert await rows(database, "referral_sources", asOf=AS_OF) == [
        {"referrer": "r", "referrerName": "Rita", "newCustomers": 2, "customers": ["n1", "n6"]},
        {"referrer": None, "referrerName": None, "newCustomers": 2, "customers": ["n3", "n4"]},
    ]
    # n2 interacted in December 2023, long before their profile was observed: new only in a wider window.
    assert (await rows(database, "referral_sources", asOf=AS_OF, days=500))[0]["customers"] == [
        "n1",
        "n2",
        "n6",
    ]


async def test_comeback_triggers(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (a:Customer {id: 'a'})<-[:BELONGS_TO]-(ra:SourceRecord {key: 'a1'}),
               (b:Customer {id: 'b'})<-[:BELONGS_TO]-(rb:SourceRecord {key: 'b1'}),
               (c:Customer {id: 'c'})<-[:BELONGS_TO]-(rc:SourceRecord {key: 'c1'}),
               (ra)-[:HAD]->(:Interaction {key: 'a-1', channel: 'WEB', kind: 'PURCHASE',
                                          occurredAt: datetime('2023-01-01T12:00:00Z')}),
               (ra)-[:HAD]->(:Interaction {key: 'a-2', channel: 'EMAIL', kind: 'CAMPAIGN_RESPONSE',
                                          occurredAt: datetime('2023-09-01T12:00:00Z')}),
               (ra)-[:HAD]->(:Interaction {key: 'a-3', channel: 'WEB', kind: 'PURCHASE',
                                          occurredAt: datetime('2023-09-05T12:00:00Z')}),
               (ra)-[:HAD]->(:Interaction {key: 'a-4', channel: 'EMAIL', kind: 'CAMPAIGN_RESPONSE',
                                          occurredAt: datetime('2024-06-01T12:00:00Z')}),
               (rb)-[:HAD]->(:Interaction {key: 'b-1', channel: 'STORE', kind: 'PURCHASE',
                                          occurredAt: datetime('2023-01-01T12:00:00Z')}),
               (rb)-[:HAD]->(:Interaction {key: 'b-2', channel: 'STORE', kind: 'PURCHASE',
                                          occurredAt: datetime('2023-03-01T12:00:00Z')}),
               (rb)-[:HAD]->(:Interaction {key: 'b-3', channel: 'STORE', kind: 'PURCHASE',
                                          occurredAt: datetime('2024-01-01T12:00:00Z')}),
               (rc)-[:HAD]->(:Interaction {key: 'c-1', channel: 'WEB', kind: 'LOGIN',
                                          occurredAt: datetime('2020-01-01T12:00:00Z')})
        """,
    )
    assert await rows(database, "comeback_triggers") == [
        {
            "channel": "EMAIL",
            "kind": "CAMPAIGN_RESPONSE",
            "comebacks": 2,
            "customers": 1,
            "averageGapDays": 256.5,
        },
        {"channel": "STORE", "kind": "PURCHASE", "comebacks": 1, "customers": 1, "averageGapDays": 306.0},
    ]
    assert await rows(database, "comeback_triggers", days=260) == [
        {
            "channel": "EMAIL",
            "kind": "CAMPAIGN_RESPONSE",
            "comebacks": 1,
            "customers": 1,
            "averageGapDays": 270.0,
        },
        {"channel": "STORE", "kind": "PURCHASE", "comebacks": 1, "customers": 1, "averageGapDays": 306.0},
    ]


async def test_channel_to_sales(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (a:Customer {id: 'a'})<-[:BELONGS_TO]-(ra:SourceRecord {key: 'a1'}),
               (b:Customer {id: 'b'})<-[:BELONGS_TO]-(rb:SourceRecord {key: 'b1'}),
               (c:Customer {id: 'c'})<-[:BELONGS_TO]-(rc:SourceRecord {key: 'c1'}),
               (d:Customer {id: 'd'})<-[:BELONGS_TO]-(rd:SourceRecord {key: 'd1'}),
               (ra)-[:HAD]->(:Interaction {key: 'a-1', channel: 'EMAIL', kind: 'CAMPAIGN_RESPONSE',
                                          occurredAt: datetime('2024-01-01T12:00:00Z')}),
               (ra)-[:HAD]->(:Interaction {key: 'a-2', channel: 'WEB', kind: 'LOGIN',
                                          occurredAt: datetime('2024-01-10T12:00:00Z')}),
               (ra)-[:HAD]->(:Interaction {key: 'a-3', channel: 'WEB', kind: 'PURCHASE',
                                          occurredAt: datetime('2024-01-15T12:00:00Z')}),
               (ra)-[:HAD]->(:Interaction {key: 'a-4', channel: 'PHONE', kind: 'ENQUIRY',
                                          occurredAt: datetime('2024-01-16T12:00:00Z')}),
               (ra)-[:HAD]->(:Interaction {key: 'a-5', channel: 'WEB', kind: 'PURCHASE',
                                          occurredAt: datetime('2024-02-15T12:00:00Z')}),
               (rb)-[:HAD]->(:Interaction {key: 'b-1', channel: 'PHONE', kind: 'ENQUIRY',
                                          occurredAt: datetime('2023-11-01T12:00:00Z')}),
               (rb)-[:HAD]->(:Interaction {key: 'b-2', channel: 'EMAIL', kind: 'CAMPAIGN_RESPONSE',
                                          occurredAt: datetime('2024-01-20T12:00:00Z')}),
               (rb)-[:HAD]->(:Interaction {key: 'b-3', channel: 'STORE', kind: 'PURCHASE',
                                          occurredAt: datetime('2024-02-01T12:00:00Z')}),
               (rc)-[:HAD]->(:Interaction {key: 'c-1', channel: 'STORE', kind: 'PURCHASE',
                                          occurredAt: datetime('2024-03-01T12:00:00Z')}),
               (rd)-[:HAD]->(:Interaction {key: 'd-1', channel: 'EMAIL', kind: 'CAMPAIGN_RESPONSE',
                                          occurredAt: datetime('2024-03-01T12:00:00Z')})
        """,
    )
    assert await rows(database, "channel_to_sales") == [
        {
            "channel": "EMAIL",
            "touched": 2,
            "touchedShare": 0.6667,
            "lastTouch": 1,
            "lastTouchShare": 0.3333,
            "firstBuyers": 3,
        },
        {
            "channel": "WEB",
            "touched": 1,
            "touchedShare": 0.3333,
            "lastTouch": 1,
            "lastTouchShare": 0.3333,
            "firstBuyers": 3,
        },
    ]
    # b's phone enquiry came 92 days before their first purchase.
    assert [
        (r["channel"], r["touched"], r["lastTouch"])
        for r in await rows(database, "channel_to_sales", days=100)
    ] == [
        ("EMAIL", 2, 1),
        ("PHONE", 1, 0),
        ("WEB", 1, 1),
    ]


LAPSED = """
CREATE (a:Customer {id: 'a', displayName: 'Ann'}), (b:Customer {id: 'b'}), (c:Customer {id: 'c'}),
       (d:Customer {id: 'd'}), (e:Customer {id: 'e', displayName: 'Eve'}), (f:Customer {id: 'f'}),
       (g:Customer {id: 'g', displayName: 'Gus'}), (h:Customer {id: 'h', displayName: 'Hal'}),
       (email:ConsentTopic {key: 'EMAIL:MARKETING', channel: 'EMAIL', purpose: 'MARKETING'}),
       (phone:ConsentTopic {key: 'PHONE:MARKETING', channel: 'PHONE', purpose: 'MARKETING'}),
       (mail:ConsentTopic {key: 'MAIL:MARKETING', channel: 'MAIL', purpose: 'MARKETING'}),
       (service:ConsentTopic {key: 'EMAIL:SERVICE', channel: 'EMAIL', purpose: 'SERVICE'}),
       (a)<-[:BELONGS_TO]-(ra1:SourceRecord {key: 'a1'}), (a)<-[:BELONGS_TO]-(ra2:SourceRecord {key: 'a2'}),
       (ra1)-[:HAD]->(:Interaction {key: 'a-p1', kind: 'PURCHASE', value: 300.0, currency: 'GBP',
                                   occurredAt: datetime('2023-06-01T10:00:00Z')}),
       (ra2)-[:HAD]->(:Interaction {key: 'a-p2', kind: 'PURCHASE', value: 250.5, currency: 'GBP',
                                   occurredAt: datetime('2023-07-01T10:00:00Z')}),
       (ra1)-[:CONSENTED {granted: true, at: datetime('2023-01-01T00:00:00Z'), source: 'crm'}]->(email),
       (ra2)-[:CONSENTED {granted: false, at: datetime('2022-01-01T00:00:00Z'), source: 'web'}]->(email),
       (ra1)-[:CONSENTED {granted: true, at: datetime('2023-01-01T00:00:00Z'), source: 'crm'}]->(phone),
       (ra2)-[:CONSENTED {granted: false, at: datetime('2023-01-01T00:00:00Z'), source: 'web'}]->(phone),
       (h)<-[:BELONGS_TO]-(rh:SourceRecord {key: 'h1'}),
       (rh)-[:HAD]->(:Interaction {key: 'h-p1', kind: 'PURCHASE', value: 900.0, currency: 'GBP',
                                  occurredAt: datetime('2023-01-01T10:00:00Z')}),
       (rh)-[:CONSENTED {granted: true, at: datetime('2022-01-01T00:00:00Z'), source: 'crm'}]->(email),
       (h)-[:CONSENTED {granted: false, at: datetime('2023-02-01T00:00:00Z'), source: 'kith'}]->(email),
       (b)<-[:BELONGS_TO]-(rb:SourceRecord {key: 'b1'}),
       (rb)-[:HAD]->(:Interaction {key: 'b-p1', kind: 'PURCHASE', value: 800.0, currency: 'GBP',
                                  occurredAt: datetime('2023-01-01T10:00:00Z')}),
       (rb)-[:CONSENTED {granted: true, at: datetime('2022-01-01T00:00:00Z')}]->(email),
       (rb)-[:CONSENTED {granted: false, at: datetime('2023-01-01T00:00:00Z')}]->(email),
       (c)<-[:BELONGS_TO]-(rc:SourceRecord {key: 'c1'}),
       (rc)-[:HAD]->(:Interaction {key: 'c-p1', kind: 'PURCHASE', value: 800.0, currency: 'GBP',
                                  occurredAt: datetime('2024-12-01T10:00:00Z')}),
       (rc)-[:CONSENTED {granted: true, at: datetime('2022-01-01T00:00:00Z')}]->(email),
       (d)<-[:BELONGS_TO]-(rd:SourceRecord {key: 'd1'}),
       (rd)-[:HAD]->(:Interaction {key: 'd-p1', kind: 'PURCHASE', value: 100.0, currency: 'GBP',
                                  occurredAt: datetime('2023-01-01T10:00:00Z')}),
       (rd)-[:CONSENTED {granted: true, at: datetime('2022-01-01T00:00:00Z')}]->(email),
       (e)<-[:BELONGS_TO]-(re:SourceRecord {key: 'e1'}),
       (re)-[:HAD]->(:Interaction {key: 'e-p1', kind: 'PURCHASE', value: 600.0, currency: 'GBP',
                                  occurredAt: datetime('2023-12-01T10:00:00Z')}),
       (re)-[:CONSENTED {granted: true}]->(email),
       (re)-[:CONSENTED {granted: true, at: datetime('2019-01-01T00:00:00Z')}]->(mail),
       (re)-[:CONSENTED {granted: false}]->(mail),
       (f)<-[:BELONGS_TO]-(rf:SourceRecord {key: 'f1'}),
       (rf)-[:HAD]->(:Interaction {key: 'f-p1', kind: 'PURCHASE', value: 900.0, currency: 'GBP',
                                  occurredAt: datetime('2023-01-01T10:00:00Z')}),
       (rf)-[:CONSENTED {granted: true, at: datetime('2022-01-01T00:00:00Z')}]->(service),
       (g)<-[:BELONGS_TO]-(rg:SourceRecord {key: 'g1'}),
       (rg)-[:HAD]->(:Interaction {key: 'g-p1', kind: 'PURCHASE', value: 900.0, currency: 'AUD',
                                  occurredAt: datetime('2023-01-01T10:00:00Z')}),
       (rg)-[:HAD]->(:Interaction {key: 'g-p2', kind: 'PURCHASE', value: 50.0, currency: 'AUD',
                                  occurredAt: datetime('2025-03-01T10:00:00Z')}),
       (rg)-[:CONSENTED {granted: true, at: datetime('2022-01-01T00:00:00Z')}]->(mail),
       (rg)-[:CONSENTED {granted: false, at: datetime('2025-02-01T00:00:00Z')}]->(mail)
"""


async def test_lapsed_high_value(database: Database) -> None:
    await graph(database, LAPSED)
    gus = {"customer": "g", "displayName": "Gus", "currency": "AUD", "lifetimeSpend": 900.0, "orders": 1,
           "lastPurchase": "2023-01-01", "daysSince": 730, "channels": ["MAIL"]}  # fmt: skip
    eve = {"customer": "e", "displayName": "Eve", "currency": "GBP", "lifetimeSpend": 600.0, "orders": 1,
           "lastPurchase": "2023-12-01", "daysSince": 396, "channels": ["EMAIL", "MAIL"]}  # fmt: skip
    ann = {"customer": "a", "displayName": "Ann", "currency": "GBP", "lifetimeSpend": 550.5, "orders": 2,
           "lastPurchase": "2023-07-01", "daysSince": 549, "channels": ["EMAIL"]}  # fmt: skip
    # b withdrew consent, Hal withdrew it to an agent (a statement Kith took), c bought lately, d spent
    # little, f only agreed to service messages. Ann's phone consent is a tie a refusal wins; Eve's
    # undated mail refusal is older than her dated grant; Gus's later refusal and purchase came after
    # the day we judge from.
    assert await rows(database, "lapsed_high_value", asOf=AS_OF) == [gus, eve, ann]
    assert await rows(database, "lapsed_high_value", asOf=AS_OF, currency="GBP") == [eve, ann]
    assert await rows(database, "lapsed_high_value", asOf=AS_OF, minSpend=580, days=400) == [gus]


COMPLAINTS = """
CREATE (a:Customer {id: 'a'})<-[:BELONGS_TO]-(ra:SourceRecord {key: 'a1'}),
       (b:Customer {id: 'b'})<-[:BELONGS_TO]-(rb:SourceRecord {key: 'b1'}),
       (c:Customer {id: 'c'})<-[:BELONGS_TO]-(rc:SourceRecord {key: 'c1'}),
       (ra)-[:HAD]->(:Interaction {key: 'a-1', kind: 'COMPLAINT', status: 'OPEN', agent: 'Hayley',
                                  occurredAt: datetime('2024-12-28T10:00:00Z')}),
       (ra)-[:HAD]->(:Interaction {key: 'a-2', kind: 'COMPLAINT', agent: 'Hayley',
                                  occurredAt: datetime('2024-11-30T10:00:00Z')}),
       (rb)-[:HAD]->(:Interaction {key: 'b-1', kind: 'COMPLAINT', status: 'IN_PROGRESS', agent: 'Sam',
                                  occurredAt: datetime('2024-12-20T10:00:00Z')}),
       (rb)-[:HAD]->(:Interaction {key: 'b-2', kind: 'COMPLAINT', status: 'OPEN', agent: 'Sam',
                                  occurredAt: datetime('2024-12-30T10:00:00Z')}),
       (rb)-[:HAD]->(:Interaction {key: 'b-3', kind: 'COMPLAINT', status: 'RESOLVED', agent: 'Sam',
                                  occurredAt: datetime('2024-01-01T10:00:00Z')}),
       (rb)-[:HAD]->(:Interaction {key: 'b-4', kind: 'COMPLAINT', status: 'CLOSED', agent: 'Sam',
                                  occurredAt: datetime('2024-05-01T10:00:00Z')}),
       (rc)-[:HAD]->(:Interaction {key: 'c-1', kind: 'COMPLAINT', status: 'OPEN'}),
       (rc)-[:HAD]->(:Interaction {key: 'c-2', kind: 'COMPLAINT', status: 'OPEN', agent: 'Sam',
                                  occurredAt: datetime('2024-06-01T10:00:00Z')}),
       (rc)-[:HAD]->(:Interaction {key: 'c-3', kind: 'ENQUIRY', status: 'OPEN', agent: 'Sam',
                                  occurredAt: datetime('2024-06-01T10:00:00Z')}),
       (rc)-[:HAD]->(:Interaction {key: 'c-4', kind: 'COMPLAINT', status: 'OPEN', agent: 'Sam',
                                  occurredAt: datetime('2025-02-01T10:00:00Z')})
"""


async def test_open_complaints_by_age(database: Database) -> None:
    await graph(database, COMPLAINTS)
    assert await rows(database, "open_complaints_by_age", asOf=AS_OF) == [
        {"bucket": "0-7 days", "complaints": 2, "customers": 2, "oldestDays": 3},
        {"bucket": "8-30 days", "complaints": 1, "customers": 1, "oldestDays": 11},
        {"bucket": "31-90 days", "complaints": 1, "customers": 1, "oldestDays": 31},
        {"bucket": "over 90 days", "complaints": 1, "customers": 1, "oldestDays": 213},
        {"bucket": "unknown", "complaints": 1, "customers": 1, "oldestDays": None},
    ]


async def test_open_complaints_by_age__with_none_open(database: Database) -> None:
    assert [row["complaints"] for row in await rows(database, "open_complaints_by_age")] == [0, 0, 0, 0, 0]


async def test_open_complaints_by_agent(database: Database) -> None:
    await graph(database, COMPLAINTS)
    assert await rows(database, "open_complaints_by_agent", asOf=AS_OF) == [
        {"agent": "Sam", "complaints": 3, "customers": 2, "oldestDays": 213, "averageDays": 75.0},
        {"agent": "Hayley", "complaints": 2, "customers": 1, "oldestDays": 31, "averageDays": 17.0},
        {"agent": None, "complaints": 1, "customers": 1, "oldestDays": None, "averageDays": None},
    ]


async def test_top_influencers(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (x:Customer {id: 'x', displayName: 'Xena', influenceScore: 0.9})
                 <-[:BELONGS_TO]-(rx:SourceRecord {key: 'x1'}),
               (w:Customer {id: 'w', influenceScore: 0.9})<-[:BELONGS_TO]-(rw:SourceRecord {key: 'w1'}),
               (u:Customer {id: 'u'})<-[:BELONGS_TO]-(ru:SourceRecord {key: 'u1'}),
               (:Customer {id: 's'})<-[:BELONGS_TO]-(:SourceRecord {key: 's1'}),
               (:Customer {id: 'y'})<-[:BELONGS_TO]-(ry:SourceRecord {key: 'y1'})
                 -[:RELATES_TO {kind: 'REFERRED_BY'}]->(rx),
               (:Customer {id: 'z'})<-[:BELONGS_TO]-(rz:SourceRecord {key: 'z1'})
                 -[:RELATES_TO {kind: 'REFERRED_BY'}]->(rx),
               (:Customer {id: 'v'})<-[:BELONGS_TO]-(rv:SourceRecord {key: 'v1'})
                 -[:RELATES_TO {kind: 'REFERRED_BY'}]->(rw),
               (:Customer {id: 't'})<-[:BELONGS_TO]-(rt:SourceRecord {key: 't1'})
                 -[:RELATES_TO {kind: 'REFERRED_BY'}]->(ru),
               (rv)-[:RELATES_TO {kind: 'FRIEND'}]->(rx),
               (ry)-[:HAD]->(:Interaction {key: 'y-1', kind: 'PURCHASE', value: 10.0, currency: 'GBP'}),
               (ry)-[:HAD]->(:Interaction {key: 'y-2', kind: 'PURCHASE', value: 5.5, currency: 'GBP'}),
               (ry)-[:HAD]->(:Interaction {key: 'y-3', kind: 'RETURN', value: 5.5, currency: 'GBP'}),
               (rz)-[:HAD]->(:Interaction {key: 'z-1', kind: 'PURCHASE', value: 20.0, currency: 'AUD'}),
               (rt)-[:HAD]->(:Interaction {key: 't-1', kind: 'PURCHASE', value: 7.0, currency: 'GBP'})
        """,
    )
    xena = {"customer": "x", "displayName": "Xena", "influenceScore": 0.9, "referrals": 2}
    assert await rows(database, "top_influencers") == [
        {**xena, "currency": "AUD", "referredRevenue": 20.0},
        {**xena, "currency": "GBP", "referredRevenue": 15.5},
        {
            "customer": "w",
            "displayName": None,
            "influenceScore": 0.9,
            "referrals": 1,
            "currency": None,
            "referredRevenue": 0.0,
        },
        {
            "customer": "u",
            "displayName": None,
            "influenceScore": 0.0,
            "referrals": 1,
            "currency": "GBP",
            "referredRevenue": 7.0,
        },
    ]
    assert [row["customer"] for row in await rows(database, "top_influencers", limit=1)] == ["x", "x"]


async def test_households_by_value(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (h1:Household {id: 'h1'})-[:AT_ADDRESS]->(:Address {key: 'leeds', locality: 'Leeds',
                                                                   postcode: 'LS1 1AA', country: 'GB'}),
               (h2:Household {id: 'h2'}), (h3:Household {id: 'h3'}), (h4:Household {id: 'h4'}),
               (a:Customer {id: 'a'})-[:MEMBER_OF {role: 'ADULT'}]->(h1),
               (b:Customer {id: 'b'})-[:MEMBER_OF {role: 'CHILD'}]->(h1),
               (c:Customer {id: 'c'})-[:MEMBER_OF {role: 'ADULT'}]->(h2),
               (d:Customer {id: 'd'})-[:MEMBER_OF {role: 'ADULT'}]->(h3),
               (:Customer {id: 'm', mergedInto: 'a'})-[:MEMBER_OF]->(h4),
               (a)<-[:BELONGS_TO]-(:SourceRecord {key: 'a1'})-[:HAD]->
                 (:Interaction {key: 'a-1', kind: 'PURCHASE', value: 100.0, currency: 'GBP'}),
               (b)<-[:BELONGS_TO]-(rb:SourceRecord {key: 'b1'})-[:HAD]->
                 (:Interaction {key: 'b-1', kind: 'PURCHASE', value: 50.5, currency: 'GBP'}),
               (rb)-[:HAD]->(:Interaction {key: 'b-2', kind: 'RETURN', value: 50.5, currency: 'GBP'}),
               (c)<-[:BELONGS_TO]-(rc:SourceRecord {key: 'c1'})-[:HAD]->
                 (:Interaction {key: 'c-1', kind: 'PURCHASE', value: 200.0, currency: 'AUD'}),
               (rc)-[:HAD]->(:Interaction {key: 'c-2', kind: 'PURCHASE', value: 10.0, currency: 'GBP'}),
               (d)<-[:BELONGS_TO]-(:SourceRecord {key: 'd1'})
        """,
        with_merged=False,
    )
    leeds = {"locality": "Leeds", "postcode": "LS1 1AA", "country": "GB"}
    nowhere = {"locality": None, "postcode": None, "country": None}
    h2_aud = {"household": "h2", "members": 1, **nowhere, "currency": "AUD", "value": 200.0, "orders": 1}
    h1_gbp = {"household": "h1", "members": 2, **leeds, "currency": "GBP", "value": 150.5, "orders": 2}
    h2_gbp = {"household": "h2", "members": 1, **nowhere, "currency": "GBP", "value": 10.0, "orders": 1}
    h3 = {"household": "h3", "members": 1, **nowhere, "currency": None, "value": 0.0, "orders": 0}
    assert await rows(database, "households_by_value") == [h2_aud, h1_gbp, h2_gbp, h3]
    assert await rows(database, "households_by_value", limit=2) == [h2_aud, h1_gbp]
    assert await rows(database, "households_by_value", currency="GBP") == [h1_gbp, h2_gbp, h3]


async def test_cross_sell_pairs(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (pen:Product {sku: 'P1', name: 'Pen'}), (paper:Product {sku: 'P2', name: 'Paper'}),
               (ink:Product {sku: 'P3', name: 'Ink'}),
               (:Customer {id: 'a'})<-[:BELONGS_TO]-(:SourceRecord {key: 'a1'})-[:HAD]->
                 (a1:Interaction {key: 'a-1', kind: 'PURCHASE'}),
               (a1)-[:ABOUT {quantity: 1, price: 2.0}]->(pen),
               (a1)-[:ABOUT {quantity: 2, price: 3.0}]->(paper),
               (:Customer {id: 'b'})<-[:BELONGS_TO]-(rb:SourceRecord {key: 'b1'}),
               (rb)-[:HAD]->(:Interaction {key: 'b-1', kind: 'PURCHASE'})-[:ABOUT]->(pen),
               (rb)-[:HAD]->(:Interaction {key: 'b-2', kind: 'PURCHASE'})-[:ABOUT]->(paper),
               (:Customer {id: 'c'})<-[:BELONGS_TO]-(:SourceRecord {key: 'c1'})-[:HAD]->
                 (c1:Interaction {key: 'c-1', kind: 'PURCHASE'}),
               (c1)-[:ABOUT]->(pen), (c1)-[:ABOUT]->(ink),
               (:Customer {id: 'd'})<-[:BELONGS_TO]-(rd:SourceRecord {key: 'd1'}),
               (rd)-[:HAD]->(:Interaction {key: 'd-1', kind: 'PURCHASE'})-[:ABOUT]->(ink),
               (rd)-[:HAD]->(:Interaction {key: 'd-2', kind: 'RETURN'})-[:ABOUT]->(paper),
               (:Customer {id: 'gone', mergedInto: 'a'})<-[:BELONGS_TO]-(:SourceRecord {key: 'g1'})-[:HAD]->
                 (g1:Interaction {key: 'g-1', kind: 'PURCHASE'}),
               (g1)-[:ABOUT]->(paper), (g1)-[:ABOUT]->(ink)
        """,
        with_merged=False,
    )
    pen_paper = {"skuA": "P1", "productA": "Pen", "skuB": "P2", "productB": "Paper", "customers": 2,
                 "support": 0.5, "confidenceAB": 0.6667, "confidenceBA": 1.0, "lift": 1.3333}  # fmt: skip
    pen_ink = {"skuA": "P1", "productA": "Pen", "skuB": "P3", "productB": "Ink", "customers": 1,
               "support": 0.25, "confidenceAB": 0.3333, "confidenceBA": 0.5, "lift": 0.6667}  # fmt: skip
    assert await rows(database, "cross_sell_pairs") == [pen_paper]
    assert await rows(database, "cross_sell_pairs", minCustomers=1) == [pen_paper, pen_ink]


async def test_identity_cluster_sizes(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (:Customer {id: 'a'})<-[:BELONGS_TO]-(:SourceRecord {key: 'a1'}),
               (:Customer {id: 'b'})<-[:BELONGS_TO]-(:SourceRecord {key: 'b1'}),
               (c:Customer {id: 'c'})<-[:BELONGS_TO]-(:SourceRecord {key: 'c1'}),
               (c)<-[:BELONGS_TO]-(:SourceRecord {key: 'c2'}),
               (c)<-[:BELONGS_TO]-(:SourceRecord {key: 'c3', thin: true})
        """,
    )
    assert await rows(database, "identity_cluster_sizes") == [
        {"records": 1, "customers": 2, "share": 0.6667},
        {"records": 3, "customers": 1, "share": 0.3333},
    ]


async def test_identity_shared_identifiers(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (family:Identifier {key: 'EMAIL:fam@x.com', kind: 'EMAIL', value: 'fam@x.com', junk: false}),
               (junk:Identifier {key: 'EMAIL:test@test.com', kind: 'EMAIL', value: 'test@test.com',
                                 junk: true}),
               (own:Identifier {key: 'PHONE:+441', kind: 'PHONE', value: '+441', junk: false}),
               (a:Customer {id: 'a'})<-[:BELONGS_TO]-(ra:SourceRecord {key: 'a1'}),
               (b:Customer {id: 'b'})<-[:BELONGS_TO]-(rb:SourceRecord {key: 'b1'}),
               (b)<-[:BELONGS_TO]-(rb2:SourceRecord {key: 'b2'}),
               (c:Customer {id: 'c'})<-[:BELONGS_TO]-(rc:SourceRecord {key: 'c1'}),
               (ra)-[:HAS_IDENTIFIER]->(family), (rb)-[:HAS_IDENTIFIER]->(family),
               (rb2)-[:HAS_IDENTIFIER]->(family), (ra)-[:HAS_IDENTIFIER]->(own),
               (ra)-[:HAS_IDENTIFIER]->(junk), (rb)-[:HAS_IDENTIFIER]->(junk), (rc)-[:HAS_IDENTIFIER]->(junk)
        """,
    )
    junk = {"kind": "EMAIL", "value": "test@test.com", "junk": True, "customers": 3, "records": 3,
            "customerIds": ["a", "b", "c"]}  # fmt: skip
    family = {"kind": "EMAIL", "value": "fam@x.com", "junk": False, "customers": 2, "records": 3,
              "customerIds": ["a", "b"]}  # fmt: skip
    assert await rows(database, "identity_shared_identifiers") == [junk, family]
    assert await rows(database, "identity_shared_identifiers", minCustomers=3) == [junk]
    assert await rows(database, "identity_shared_identifiers", limit=1) == [junk]


async def test_identity_unlinked_records(database: Database) -> None:
    await graph(
        database,
        """
        CREATE (c1:SourceRecord {key: 'crm:1', source: 'crm', pending: false}),
               (c2:SourceRecord {key: 'crm:2', source: 'crm', pending: false}),
               (:SourceRecord {key: 'crm:3', source: 'crm', pending: false}),
               (w1:SourceRecord {key: 'web:1', source: 'web', pending: false}),
               (:SourceRecord {key: 'web:2', source: 'web'}),
               (:SourceRecord {key: 'web:9', source: 'web', pending: true}),
               (c1)-[:SAME_AS {rule: 'EMAIL', score: 1.0, evidence: ['EMAIL']}]->(c2),
               (w1)-[:SAME_AS {rule: 'PHONE', score: 1.0, evidence: ['PHONE']}]->(c1)
        """,
        with_merged=False,
    )
    assert await rows(database, "identity_unlinked_records") == [
        {"source": "web", "records": 2, "unlinked": 1, "share": 0.5, "examples": ["web:2"]},
        {"source": "crm", "records": 3, "unlinked": 1, "share": 0.3333, "examples": ["crm:3"]},
    ]


async def test_a_write_run_the_analytics_way_is_refused_and_changes_nothing(database: Database) -> None:
    with pytest.raises(WriteRefused, match="only read"):
        await execute_read(database, "CREATE (:Customer {id: $id})", {"id": "x"})
    with pytest.raises(WriteRefused):
        await execute_read(database, "MERGE (n:Lock {name: 'x'}) SET n.at = datetime()", {})
    records, _, _ = await database.driver.execute_query("MATCH (n) RETURN count(n) AS n")
    assert records[0]["n"] == 0


async def test_parameters_are_typed_from_the_header(database: Database) -> None:
    with pytest.raises(BadParameter, match=r"\$days takes an int"):
        await run_query(database, "comeback_triggers", {"days": "soon"})
    with pytest.raises(BadParameter, match="no parameter"):
        await run_query(database, "comeback_triggers", {"weeks": 3})
    # Text is parsed by the declared type, as it comes from the command line.
    assert await rows(database, "comeback_triggers", days="30") == []


@pytest.fixture
async def complaints_graph(database: Database) -> Database:
    await graph(database, COMPLAINTS)
    return database


def test_kith_cypher_runs_a_query_in_each_format(complaints_graph: Database) -> None:
    app = Typer()
    app.command()(cypher_command)
    runner = CliRunner()
    as_of = ["--param", f"asOf={AS_OF}"]

    ran = runner.invoke(app, ["open_complaints_by_agent", *as_of, "--format", "json"])
    assert ran.exit_code == 0, ran.output
    assert '"agent": "Sam"' in ran.stdout

    ran = runner.invoke(app, ["open_complaints_by_agent", *as_of, "--format", "csv"])
    assert ran.exit_code == 0, ran.output
    assert ran.stdout.splitlines() == [
        "agent,complaints,customers,oldestDays,averageDays",
        "Sam,3,2,213,75.0",
        "Hayley,2,1,31,17.0",
        ",1,1,,",
    ]

    ran = runner.invoke(app, ["open_complaints_by_age", *as_of])
    assert ran.exit_code == 0, ran.output
    assert "over 90 days" in ran.stdout and "oldestDays" in ran.stdout
