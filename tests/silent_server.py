"""A local TCP server that accepts connections and never answers: the stalled network input
of the timeout tests (fetch-url-input, fetch-timeout, batch-timeout)."""
import socket
import threading


def silent_server():
    """(listening socket, list of accepted connections, held open); port: s.getsockname()[1]."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    held = []

    def loop():
        while True:
            try:
                held.append(s.accept()[0])
            except OSError:
                return
    threading.Thread(target=loop, daemon=True).start()
    return s, held
