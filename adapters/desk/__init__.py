"""The editors' desk: web pages at ``/desk`` on ``briefbot serve`` for gaps, stale briefs, history and edits."""
