"""The local workspace's tables, one module per connector category, over a shared SQLite base."""
