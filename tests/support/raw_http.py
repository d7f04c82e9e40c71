"""Sending a request piece by piece over a plain socket, to see when the server answers."""

import select
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class EarlyAnswer:
    """What the server said, and how many bytes of the request it had been sent by then."""

    status: int
    head: str
    body: bytes
    bytes_sent: int


def send_until_answered(url: str, head: bytes, pieces: int, piece: bytes) -> EarlyAnswer:
    """Send ``head``, then up to ``pieces`` copies of ``piece``, stopping as soon as the server
    answers or closes; return its answer (status 0: it closed without one)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(head)
        sent = len(head)
        for _ in range(pieces):
            readable, _, _ = select.select([connection], [], [], 0)
            if readable:
                break
            try:
                connection.sendall(piece)
            except OSError:  # reset or broken pipe: the server stopped reading
                break
            sent += len(piece)
        reply = _read_reply(connection)
    head_text, _, body = reply.partition(b"\r\n\r\n")
    status_line = head_text.split(b"\r\n", 1)[0].split()
    status = int(status_line[1]) if len(status_line) > 1 else 0
    return EarlyAnswer(status, head_text.decode("latin-1"), body, sent)


def _read_reply(connection: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := connection.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data and _complete(data):
                break
    except OSError:
        pass
    return data


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False
