"""Run tests/emulator/genauth_emulator.py with TCP_NODELAY on its connections.

The emulator writes the HTTP headers and the body in two sends; with Nagle's
algorithm on, the body waits for the client's delayed ACK of the headers, so
every answer takes about 40 ms. The stress tests make thousands of requests,
so they start the emulator through this launcher (same command line). The
emulator itself is unchanged; see docs/stress.md.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "emulator"))

import genauth_emulator  # noqa: E402

genauth_emulator.Handler.disable_nagle_algorithm = True

if __name__ == "__main__":
    sys.exit(genauth_emulator.main())
