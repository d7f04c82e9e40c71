"""One exception tree for the whole project.

Everything below ``api/`` and ``cli/`` raises these; the API turns them into JSON errors with the
status in ``http_status`` and the CLI prints the message and exits non-zero.
"""


class JinlottoError(Exception):
    """Base of every error JinLotto raises on purpose."""

    http_status = 400

    def __init__(self, message: str, *, detail: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class InvalidDrawError(JinlottoError):
    """A draw record breaks a rule of the game (numbers, bonus, date, draw number)."""

    http_status = 422


class InvalidTicketError(JinlottoError):
    """A ticket, game or QR text cannot be read as Lotto 6/45 games."""

    http_status = 422


class InvalidImageError(JinlottoError):
    """An uploaded photo is not a usable image of a ticket's QR code."""

    http_status = 422


class ImageTooLargeError(InvalidImageError):
    """An uploaded photo is over the size limit."""

    http_status = 413


class InvalidFilterError(JinlottoError):
    """Recommendation filters contradict each other or name impossible numbers."""

    http_status = 422


class DrawNotFoundError(JinlottoError):
    """The database holds no draw with that number."""

    http_status = 404


class FileFormatError(JinlottoError):
    """An import file is not in any format JinLotto reads."""

    http_status = 422


class DataSourceError(JinlottoError):
    """An outside data source answered with something that is not a usable draw."""

    http_status = 502


class DataConflictError(JinlottoError):
    """A source reports a stored draw with different numbers, bonus or date."""

    http_status = 409


class ModelError(JinlottoError):
    """A model file is missing, corrupt, or does not match its metadata."""

    http_status = 503


class NotFoundError(JinlottoError):
    """A named thing (model, report, strategy) does not exist."""

    http_status = 404


class DatabaseUnavailableError(JinlottoError):
    """The database cannot be reached."""

    http_status = 503


class ServiceBusyError(JinlottoError):
    """The work a request needs is still being prepared by another request; ask again soon."""

    http_status = 503


class RateLimitedError(JinlottoError):
    """A visitor sent more requests of one kind than allowed in the window."""

    http_status = 429

    def __init__(self, message: str, *, retry_after: int, detail: object = None) -> None:
        super().__init__(message, detail=detail)
        self.retry_after = retry_after  # seconds until the window ends


class LimitExceededError(JinlottoError):
    """A visitor already holds as many of something as allowed (for example, saved tickets)."""

    http_status = 409


class AuthenticationError(JinlottoError):
    """A protected endpoint was called without the right credentials."""

    http_status = 401


class NoDrawDataError(JinlottoError):
    """No draws are stored yet, so nothing can be analysed or recommended."""

    http_status = 503


class ConfigurationError(JinlottoError):
    """A setting read from the environment or ``.env`` has a value JinLotto cannot use."""

    http_status = 500


class AlreadyRunningError(JinlottoError):
    """A job that runs one at a time across every process is already running."""

    http_status = 409
