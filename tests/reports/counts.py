"""Query counts shared by the reports tests."""

# Queries for the four strand sections once content types are cached: engagement 8,
# night-time economy 4, offender behaviour 7, outcomes 1.
STRAND_QUERIES = 20
