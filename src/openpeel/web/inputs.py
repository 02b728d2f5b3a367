"""What the app accepts from a URL or a form before anything reaches the database or a query.

- A record id in a path is a whole number the database's integer columns can hold (PostgreSQL's
  ``integer`` stops at 2**31 - 1); a larger one names no record, so it is a 404 (``RecordId``).
- No query or form value carries a NUL byte or another control character (PostgreSQL refuses a
  NUL inside a statement; escape codes reach terminals and logs), or more text than any field
  needs: every router built with ``protected_router`` refuses those with a 400 (``clean_input``).
  Tab, line feed and carriage return stay allowed in text.
- Per-field limits (the length of each database column) are checked again on every write by
  ``openpeel.database.values``, so the CLI and the library get them too.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import HTTPException, Path, Request

#: The largest id a record can have on either database.
MAX_RECORD_ID = 2**31 - 1
#: A record id in a URL path (anything else answers 404).
RecordId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID)]
#: Longest value of one query parameter, and of one form field (the longest text any form
#: takes, a review comment or a summary, is well under it).
MAX_QUERY_CHARS = 2_000
MAX_FORM_CHARS = 20_000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refusal(value: str, limit: int) -> str | None:
    """Why a submitted value cannot be taken (None when it can)."""
    if len(value) > limit:
        return f"a field is longer than {limit:,} characters"
    if CONTROL_CHARACTERS.search(value):
        return "a field holds a control character (such as a NUL byte)"
    return None


async def clean_input(request: Request) -> None:
    """Refuse (400) a request whose query parameters or form fields hold a control character or
    too much text, before any route reads them."""
    for name, value in request.query_params.multi_items():
        reason = refusal(name, 200) or refusal(value, MAX_QUERY_CHARS)
        if reason:
            raise HTTPException(status_code=400, detail=f"Cannot read the address: {reason}.")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return
    form = await request.form()
    for name, field in form.multi_items():
        text = field if isinstance(field, str) else None
        reason = refusal(name, 200) or (refusal(text, MAX_FORM_CHARS) if text else None)
        if reason:
            raise HTTPException(status_code=400, detail=f"Cannot take the form: {reason}.")
