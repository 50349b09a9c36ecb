"""Bundle format v1 (``.fdbundle``, DESIGN.md §4): names, versions and the reader's limits.

A bundle is a zip holding only ``manifest.json``, ``manifest.sig``,
``changes/<table>.jsonl`` (one change a line) and ``blobs/<sha256>``.
Optionally the whole zip is encrypted to the recipient (see ``crypto_box``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: the format this version writes
FORMAT_VERSION = 1
#: the newest format this version can read
READER_FORMAT = 1
BUNDLE_SUFFIX = ".fdbundle"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
#: the only member names a bundle may hold: nothing else (no dirs, no paths, no backslashes, no NUL)
MEMBER_NAME = re.compile(r"\A(?:manifest\.json|manifest\.sig|changes/[a-z][a-z0-9_]{0,39}\.jsonl|blobs/[0-9a-f]{64})\Z")
CHANGES_MEMBER = re.compile(r"\Achanges/([a-z][a-z0-9_]{0,39})\.jsonl\Z")
BLOB_MEMBER = re.compile(r"\Ablobs/([0-9a-f]{64})\Z")
OFFICE_CODE = re.compile(r"\A\d{6}\Z")
ROW_ID = re.compile(r"\A[0-9A-Za-z-]{1,36}\Z")
BUNDLE_ID = re.compile(r"\A[0-9a-f-]{36}\Z")


@dataclass(frozen=True)
class Limits:
    """Caps checked before anything is decompressed or parsed (zip bombs, huge files)."""

    max_bundle_bytes: int = 2 * 1024**3
    max_members: int = 200_000
    max_member_bytes: int = 1024**3
    max_total_bytes: int = 4 * 1024**3
    #: deflated JSON lines compress ~5–15x; a ratio beyond this is a bomb, not data
    max_ratio: int = 200
    max_manifest_bytes: int = 64 * 1024**2
