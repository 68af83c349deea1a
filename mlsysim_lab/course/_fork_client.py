"""The kernel's stand-in for its manager (see :mod:`.zygote`); standard library only, run
as a script: ``python -I -S _fork_client.py SOCKET KERNEL_ARGV...``.

It asks the zygote at SOCKET for a kernel with this process's standard streams, folder
and environment, relays the signals the manager sends (interrupt, terminate) to it, and
exits when the kernel does. If it is killed, the kernel sees its connection close and
exits too.
"""

import json
import os
import signal
import socket
import sys


def main() -> int:
    path, argv = sys.argv[1], sys.argv[2:]
    zygote = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    zygote.connect(path)
    socket.send_fds(zygote, [b"\0"], [0, 1, 2])
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
    zygote.sendall(json.dumps(request).encode() + b"\n")
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = zygote.recv(64)
        if not chunk:
            return 1
        reply += chunk
    kernel = int(reply)

    def relay(signum: int, _frame: object) -> None:
        try:
            os.kill(kernel, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, relay)
    while zygote.recv(4096):   # the kernel holds the other end until it exits
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
