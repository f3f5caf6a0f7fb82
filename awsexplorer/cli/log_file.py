"""--log-file's handler (imported only when the flag is given)."""

from __future__ import annotations

import logging
import os
import stat


class PrivateFileHandler(logging.FileHandler):
    """A FileHandler whose file is created with mode 0600 (a debug log describes the account and
    its calls), and made 0600 if it already was a regular file of ours with a wider mode."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)
