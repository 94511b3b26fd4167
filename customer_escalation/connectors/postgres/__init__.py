"""The PostgreSQL backend: the workspace's records and the escalation history in one database shared by
several processes, chosen with ``CUSTOMER_ESCALATION_DATABASE_URL=postgresql://...``."""
