"""Making hostile-but-signed bundles for the sync tests (no tests here).

A trusted office that turns hostile signs whatever it likes: these helpers rewrite a
genuine bundle's change lines, fix the manifest (members' hashes and sizes, counts,
ranges) and sign it again with the sender's own key, so only the import's rules can
refuse what it carries.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.org import keys

#: table -> its change lines (decoded JSON objects, in file order)
Lines = dict[str, list[dict[str, Any]]]


def read_lines(bundle: Path) -> tuple[dict[str, Any], Lines, dict[str, bytes]]:
    """A bundle's manifest, change lines per table, and blobs by member name."""
    with zipfile.ZipFile(bundle) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        lines: Lines = {}
        blobs: dict[str, bytes] = {}
        for info in zf.infolist():
            if info.filename.startswith("changes/"):
                table = info.filename[len("changes/"):-len(".jsonl")]
                lines[table] = [json.loads(x) for x in zf.read(info).splitlines() if x.strip()]
            elif info.filename.startswith("blobs/"):
                blobs[info.filename] = zf.read(info)
    return manifest, lines, blobs


def forge(bundle: Path, out: Path, signer_keys: Path, change: Callable[[Lines], None],
          manifest_change: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """Rewrite ``bundle``'s change lines with ``change``, recompute the manifest and sign it
    with the key in ``signer_keys`` (the sender's own: the bundle stays 'genuine')."""
    manifest, lines, blobs = read_lines(bundle)
    change(lines)
    members: list[dict[str, Any]] = []
    payload: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    ranges: dict[str, list[int]] = {}
    for table, ls in sorted(lines.items()):
        if not ls:
            continue
        body = b"".join(json.dumps(x, ensure_ascii=False).encode() + b"\n" for x in ls)
        name = f"changes/{table}.jsonl"
        payload[name] = body
        members.append({"name": name, "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)})
        counts[table] = len(ls)
        for x in ls:
            lo, hi = ranges.get(x["o"], [x["s"], x["s"]])
            ranges[x["o"]] = [min(lo, x["s"]), max(hi, x["s"])]
    for name, content in blobs.items():
        payload[name] = content
        members.append({"name": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)})
    manifest.update(members=members, counts=counts, ranges=ranges)
    if manifest_change:
        manifest_change(manifest)
    body = json.dumps(manifest, ensure_ascii=False).encode()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", body)
        zf.writestr("manifest.sig", base64.b64encode(keys.sign(signer_keys, body)))
        for name, content in payload.items():
            zf.writestr(name, content)
    return out
