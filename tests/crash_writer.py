"""Helper for the crash test: push versions of one brief forever, acknowledging each on stdout.

Usage: python crash_writer.py STORE_FOLDER BRIEF_ID

Each push is based on the latest version (``expected_version``) and carries its
own number in the title, so the test can check the content of every version it
saw acknowledged. "ACK <number>" is printed and flushed only after the push has
returned. The test kills this process with SIGKILL at a random moment.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.briefs import Brief
from bot.errors import UnknownBrief
from bot.store import TinyStore


def crash_brief(brief_id: str, number: int) -> Brief:
    """The content the writer pushes as version ``number`` of ``brief_id``."""
    return Brief(
        id=brief_id,
        title=f"Crash test version {number}",
        summary=f"The summary as it stood at version {number}.",
        updated=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
        body=f"## Key points\n- Point written for version {number}.\n",
        tags=("crash", f"v{number}"),
    )


def main() -> None:
    root, brief_id = Path(sys.argv[1]), sys.argv[2]
    store = TinyStore(root)
    try:
        latest = store.get(brief_id).number
    except UnknownBrief:
        latest = 0
    while True:
        pushed = store.push(
            crash_brief(brief_id, latest + 1),
            editor="crash writer",
            channel="test",
            expected_version=latest,
            now=datetime.now(UTC),
        )
        latest = pushed.version.number
        print(f"ACK {latest}", flush=True)


if __name__ == "__main__":
    main()
