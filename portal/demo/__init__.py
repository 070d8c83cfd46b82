"""The demo council (Northshire District Council, fictional) for trying the portal out."""
