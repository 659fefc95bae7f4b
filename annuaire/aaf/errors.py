from ent.errors import ApplicationError


class AafFileError(ApplicationError):
    """A file the import cannot read at all: the whole import stops, nothing is written."""

    def __init__(self, file, message, line=None):
        self.file = file
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self):
        where = f"{self.file}, ligne {self.line}" if self.line else f"{self.file}"
        return f"{where} : {self.message}"


class AafImportError(ApplicationError):
    """An import refused as a whole for a reason that is not one file's (mixed kinds…)."""
