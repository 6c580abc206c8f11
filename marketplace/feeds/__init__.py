"""Feed builders: records in, bytes out. No HTTP, no Celery.

``build_feeds(service, out_dir=...)`` is the entry point; see ``build``.
"""

from .build import FeedBuild, FeedCount, HeldRecord, build_feeds
from .classic import ClassicFile
from .json_listings import Batch, MessageRef
from .routing import Kind

__all__ = [
    "Batch",
    "ClassicFile",
    "FeedBuild",
    "FeedCount",
    "HeldRecord",
    "Kind",
    "MessageRef",
    "build_feeds",
]
