"""What an uploaded image really is, read from its first bytes, never from the name or type the browser sent."""

RASTER_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def raster_type(data: bytes) -> str | None:
    """ "image/png" or "image/jpeg" when `data` starts like one, else None."""
    return next((kind for start, kind in RASTER_SIGNATURES.items() if data.startswith(start)), None)
