"""The exception the wsest package raises where the wsest CLI exits with an error."""


class WsestError(Exception):
    """An error the wsest CLI reports (exit code 2): the same message, naming the file, the node and the cause.

    Attributes:
        message: the CLI's message, without its ``wsest: error:`` prefix.
        exit_code: the CLI's exit code (2).
        stderr: everything the CLI wrote to stderr.
    """

    def __init__(self, message: str, exit_code: int = 2, stderr: str = ""):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.stderr = stderr
