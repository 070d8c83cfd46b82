"""Officers run assessment cycles: score statements, write evidence and actions, finalise, compare."""
