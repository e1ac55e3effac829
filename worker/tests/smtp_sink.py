"""A real SMTP server for the email tests (aiosmtpd, from PyPI).

Usage: python3 smtp_sink.py PORT OUTDIR [MODE]
MODE: accept (default) stores each message as OUTDIR/<n>.eml (with X-Envelope-To headers);
reject answers 550 to every recipient; tempfail answers 451 to DATA.
Prints "ready" once listening.
"""
import asyncio
import itertools
import pathlib
import sys

from aiosmtpd.controller import Controller

port, outdir = int(sys.argv[1]), pathlib.Path(sys.argv[2])
mode = sys.argv[3] if len(sys.argv) > 3 else "accept"
outdir.mkdir(parents=True, exist_ok=True)
counter = itertools.count(1)


class Sink:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if mode == "reject":
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if mode == "tempfail":
            return "451 4.3.0 try again later"
        number = next(counter)
        header = "".join(f"X-Envelope-To: {rcpt}\r\n" for rcpt in envelope.rcpt_tos)
        (outdir / f"{number:04}.eml").write_bytes(header.encode() + envelope.original_content)
        return "250 Message accepted"


controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
try:
    asyncio.get_event_loop().run_forever()
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
