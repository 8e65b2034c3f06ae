"""The REST API's shared parts. The schema extension registers on import."""
