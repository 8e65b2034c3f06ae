"""Developer scripts. A package so that the load test runs as `python -m scripts.load`
and is type-checked under that name; the single-file scripts still run as files."""
