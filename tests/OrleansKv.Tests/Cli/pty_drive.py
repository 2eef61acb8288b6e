"""Drives an interactive program under a pseudo-terminal: waits for its prompt, types each keystroke string,
prints everything the terminal showed, and exits with the program's exit code."""
import json
import os
import pty
import select
import sys
import time

keystrokes = json.loads(sys.argv[1])
command = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)

shown = b""


def read_until(marker, limit):
    global shown
    deadline = time.time() + limit
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            shown += chunk
            if marker is not None and shown.endswith(marker):
                return True
    return False


read_until(b"okv> ", 60)
for keys in keystrokes:
    os.write(fd, keys.encode())
    if keys.endswith("\r"):
        read_until(b"okv> ", 60)
read_until(None, 3)
_, status = os.waitpid(pid, 0)
sys.stdout.write(shown.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
