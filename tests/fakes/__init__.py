"""Fakes of vendor APIs: Starlette apps at the vendors' real paths, answering in their real JSON shapes."""
