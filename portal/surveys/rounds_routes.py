"""Officers run rounds and schedules; members answer at /surveys."""
