"""The figures the portal gathers for each statement, and attaching them as frozen evidence."""
