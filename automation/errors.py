"""The two kinds of error: a user's mistake (clear message, no traceback) and everything else (a bug)."""


class UserError(Exception):
    """Bad input, a missing file or a locked workbook: shown to the user as a plain message.

    The CLI prints it and exits 2; an Excel macro shows it in an alert. Never a traceback.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  How to fix: {self.hint}" if self.hint else self.message
