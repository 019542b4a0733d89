"""Identity resolution: which source records describe the same person. Pure Python, no database.

    records -> blocking (candidate pairs) -> compare (Fellegi-Sunter weights, guards)
            -> cluster (strongest first, no conflicting or weak merges) -> Resolution

Example:
    >>> model = estimate_u(records, pairs=100_000, seed=7)
    >>> resolution = resolve(records, model, family_name_frequencies(records), holder_counts={})
    >>> resolution.clusters, resolution.links[0].rule
"""

from service.resolution.blocking import BLOCKING_KEYS, blocking_keys
from service.resolution.cluster import Link
from service.resolution.compare import PairScore, compare
from service.resolution.model import MatchModel, estimate_u, family_name_frequencies
from service.resolution.record import MatchRecord
from service.resolution.resolve import Resolution, resolve
from service.resolution.training import estimate_m

__all__ = [
    "BLOCKING_KEYS",
    "Link",
    "MatchModel",
    "MatchRecord",
    "PairScore",
    "Resolution",
    "blocking_keys",
    "compare",
    "estimate_m",
    "estimate_u",
    "family_name_frequencies",
    "resolve",
]
