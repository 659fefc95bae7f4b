"""The user-facing errors: one base whose message, in French, is shown to the person as is.

Services and selectors raise these, never Django's 404 exception: a view shows ``str(error)`` (a form
error, a message) or lets ``NotFound`` through, which ``ent.middleware.NotFoundMiddleware``
answers with the 404 page, the one place that maps it.
"""


class ApplicationError(Exception):
    """Something the person asked for cannot be done; ``str(error)`` says why, in French."""

    default_message = "Cette action n'a pas pu être effectuée."

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.default_message)

    @property
    def user_message(self) -> str:
        return str(self)


class NotFound(ApplicationError):
    """No such object, or one outside the viewer's reach: both answer 404 alike, so that a
    refusal tells nothing about what exists."""

    default_message = "Page introuvable."
