"""Coding on a Ray cluster (`whodid ingest --ray`, docs/cluster.md); Ray is the optional
extra `whodid[ray]`, imported only when asked for."""
