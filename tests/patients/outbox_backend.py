"""A text backend for tests run in other processes (the task workers): each message is one line appended to the
file named by IMS_TEST_TEXT_OUTBOX (appends of one short line are atomic, so two workers never mix lines)."""

from __future__ import annotations

import os

from patients.text_messages import TextMessage


class FileTextBackend:
    def send(self, message: TextMessage) -> str:
        line = f"{message.to}\t{message.body.replace(chr(10), ' ')}\n"
        with open(os.environ["IMS_TEST_TEXT_OUTBOX"], "a", encoding="utf-8") as outbox:
            outbox.write(line)
        return "file"
