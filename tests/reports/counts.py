"""Query counts shared by the reports tests."""

# Queries for the four strand sections once content types are cached: engagement 8,
# night-time economy 4, offender behaviour 7, outcomes 1.
STRAND_QUERIES = 20

# The differencing rule (tracker/reports/disclosure.py) for one area's quarter: its
# three months' strand sections, the areas (1), and the monthly assault counts of
# each financial year the trend and comparisons span (2).
LATTICE_AREA_QUARTER = 3 * STRAND_QUERIES + 3
# For the whole force's quarter it depends on the data, within a fixed bound: at most
# every month and area of the quarter (3 months, 5 areas, 15 area-months).
LATTICE_FORCE_QUARTER_AT_MOST = 23 * STRAND_QUERIES + 3
