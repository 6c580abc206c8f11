"""Where Amazon's JSON schemas and models are found.

The folder is, in order: the path given to the simulator, the
SHELFMARK_SHARED_DIR environment variable plus reference/sp-api, or
../shared/reference/sp-api beside the repository.
"""

import json
import logging
import os
from functools import cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
LISTINGS_FEED_SCHEMA = "listings-feed-schema-v2.json"
PROCESSING_REPORT_SCHEMA = "listings-feed-processing-report-schema-v2.json"


def find_sp_api_dir(explicit: str | Path | None = None) -> Path | None:
    candidates = []
    if explicit:
        candidates.append(Path(explicit))
    if shared := os.environ.get("SHELFMARK_SHARED_DIR"):
        candidates.append(Path(shared) / "reference" / "sp-api")
    candidates.append(REPOSITORY_ROOT.parent / "shared" / "reference" / "sp-api")
    for candidate in candidates:
        if (candidate / LISTINGS_FEED_SCHEMA).is_file():
            return candidate
    return None


@cache
def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_listings_feed_schema(explicit: str | Path | None = None) -> dict | None:
    folder = find_sp_api_dir(explicit)
    if folder is None:
        logger.warning(
            "Amazon's listings feed schema was not found; JSON_LISTINGS_FEED "
            "documents get the simulator's own structural checks instead"
        )
        return None
    logger.info("Validating JSON_LISTINGS_FEED documents with %s", folder)
    return load_json(folder / LISTINGS_FEED_SCHEMA)
