"""Kombu's filesystem transport with whole messages only: the broker of `make run`, with no server.

Kombu writes a message straight under its final name (open, then write), and a worker polling
the folder can take the file in between and read zero bytes: the worker dies on a JSON error
(celery/kombu#1551; it stopped the embedded worker in CI). Here a message is written under a
name no queue matches and renamed into place, and a rename is atomic within a folder, so a
reader sees either nothing or the whole message.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def __init__(self, *args, **kwargs):
        """Make the broker's folders on first use: `make run` seeds the demo before its worker starts."""
        super().__init__(*args, **kwargs)
        folders = [self.data_folder_in, self.data_folder_out, self.control_folder]
        if self.store_processed:
            folders.append(self.processed_folder)
        for folder in folders:
            os.makedirs(folder, exist_ok=True)

    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`: written under a temporary name, then renamed into place."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # No dot in the temporary name: `_get` matches what follows the first dot to the queue.
        partial = os.path.join(self.data_folder_out, f"writing-{uuid.uuid4().hex}")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            try:
                os.remove(partial)
            except OSError:
                pass
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
