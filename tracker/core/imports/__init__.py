"""Bulk import from CSV and XLSX: a registry of importable kinds, reading and
checking files, and the all-or-nothing run. Strands register their kinds."""
