#!/usr/bin/env python3
"""One python3 for a selftest's many short python runs (lib.sh: py_server, pyrun).

Under the emulated CPU of the test VM a python3 takes seconds to start (and seconds more to
import a library such as the kernel's YNL); a file that runs it dozens of times spends
minutes starting interpreters. This process runs each request as `python3 ARGS...` would:
a script (ARGS[0], run as __main__ with sys.argv = ARGS and its directory first on sys.path)
or `-c CODE ARGS...`, in the caller's working directory, with stdin, stdout and stderr (at
the file-descriptor level) redirected to the caller's files, and answers its exit status.

Requests come on fd 4, one line each: the path of a file holding NUL-terminated fields
OUT, ERR, IN, CWD, ARGS... (OUT and ERR: files for stdout and stderr; IN: "" for /dev/null); the exit status goes back on fd 3 as one line. It exits when the
shell whose pid it was given is gone.
"""
import builtins
import os
import runpy
import select
import sys
import traceback

parent = int(sys.argv[1])

# PYSERVE_LIBYAML=1: yaml.safe_load parses with libyaml (yaml.CSafeLoader, the same safe
# loader in C) when PyYAML has it: the YNL library parses its spec for every family object,
# seconds of the emulated CPU each time with the pure-Python loader.
if os.environ.get("PYSERVE_LIBYAML") == "1":
    try:
        import yaml
        if getattr(yaml, "__with_libyaml__", False):
            yaml.safe_load = lambda stream: yaml.load(stream, Loader=yaml.CSafeLoader)
    except ImportError:
        pass
base_path = list(sys.path[1:])          # without pyserve's own directory
null = os.open(os.devnull, os.O_RDWR)


def status(code):
    """The exit status python3 gives for SystemExit(code)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xff
    print(code, file=sys.stderr)
    return 1


def run(argv):
    # State a fresh interpreter would not have: the YNL library remembers the kernel's
    # family ids from the first lookup; make each run look them up again.
    ynl = sys.modules.get("lib.ynl")
    if ynl is not None and hasattr(ynl, "genl_family_name_to_id"):
        ynl.genl_family_name_to_id = None
    try:
        if argv[0] == "-c":
            sys.argv = ["-c"] + argv[2:]
            sys.path[:] = [""] + base_path
            exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__", "__builtins__": builtins})
        else:
            sys.argv = list(argv)
            sys.path[:] = [os.path.dirname(os.path.abspath(argv[0]))] + base_path
            runpy.run_path(argv[0], run_name="__main__")
        return 0
    except SystemExit as e:
        return status(e.code)
    except BaseException:
        traceback.print_exc()
        return 1


def serve(reqpath):
    with open(reqpath, "rb") as f:
        fields = [x.decode("utf-8", "surrogateescape") for x in f.read().split(b"\0")[:-1]]
    out, err, inp, cwd, argv = fields[0], fields[1], fields[2], fields[3], fields[4:]
    ofd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    efd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    ifd = os.open(inp or os.devnull, os.O_RDONLY)
    os.dup2(ifd, 0); os.dup2(ofd, 1); os.dup2(efd, 2)
    os.close(ifd); os.close(ofd); os.close(efd)
    sys.stdin = open(0, "r", closefd=False)
    try:
        os.chdir(cwd)
        rc = run(argv)
    except BaseException:
        traceback.print_exc()
        rc = 1
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except Exception:
            pass
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    os.dup2(null, 0); os.dup2(null, 1); os.dup2(null, 2)
    return rc


buf = b""
while True:
    ready, _, _ = select.select([4], [], [], 1.0)
    if not ready:
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            break
        continue
    data = os.read(4, 4096)
    if not data:
        break
    buf += data
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        rc = serve(line.decode("utf-8", "surrogateescape"))
        os.write(3, b"%d\n" % rc)
