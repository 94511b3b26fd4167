"""Connectors: domain records, one protocol per category, the local workspace and vendor clients.

Nothing here imports `customer_escalation.skill`; imports point down only.
"""
