"""Officers review, release and read anonymised results; members read a short summary."""
