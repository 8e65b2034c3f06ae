"""The base of every domain error: a refused state change with a message a person
can act on. Views show the message; the API answers with `status_code`."""


class DomainError(Exception):
    """A state change the rules do not allow (a wrong lifecycle move, say)."""

    status_code = 409

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
