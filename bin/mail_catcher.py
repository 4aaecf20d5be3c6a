"""A local SMTP sink for trying the addon: what Odoo sends, kept and shown.

Started by ``bin/run --mail-catcher``. Listens for SMTP on 127.0.0.1 (aiosmtpd),
writes every message it receives as an ``.eml`` file into a folder, and serves
on another loopback port a page listing them (date, from, to, subject,
Reply-To) with the HTML body of the one chosen (the newest by default). Nothing
leaves the machine: every recipient is accepted and nothing is relayed.

    python3 bin/mail_catcher.py --dir FOLDER --smtp-port 8025 --http-port 8026
"""

import argparse
import email
import email.policy
import html
import signal
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
HEADERS = ("Date", "From", "To", "Subject", "Reply-To")
STYLE = """
body { font-family: sans-serif; margin: 0; color: #222; }
header { background: #714b67; color: #fff; padding: 8px 16px; }
header h1 { font-size: 18px; margin: 0; display: inline; }
header span { margin-left: 12px; font-size: 13px; opacity: .85; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ddd; }
th { background: #f4f4f4; }
tr.chosen td { background: #fdf3d8; }
a { color: #017e84; text-decoration: none; }
section { padding: 8px 16px; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px;
     font-size: 13px; margin: 0 0 8px; }
dt { font-weight: bold; }
iframe { width: 100%; height: 420px; border: 1px solid #ccc; }
"""


class Sink:
    """aiosmtpd handler: each message becomes one .eml file."""

    def __init__(self, folder):
        self.folder = folder
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            path = self.folder / f"{stamp}.eml"
            tmp = path.with_suffix(".part")
            tmp.write_bytes(envelope.original_content or envelope.content)
            tmp.rename(path)
        print(f"mail-catcher: received {path.name} for {', '.join(envelope.rcpt_tos)}")
        sys.stdout.flush()
        return "250 Message accepted for delivery"


def read_message(path):
    with path.open("rb") as handle:
        return email.message_from_binary_file(handle, policy=email.policy.default)


def html_body(message):
    part = message.get_body(preferencelist=("html", "plain"))
    if part is None:
        return "<p>(no body)</p>"
    content = part.get_content()
    if part.get_content_type() == "text/plain":
        return f"<pre>{html.escape(content)}</pre>"
    return content


def render_page(folder, chosen):
    files = sorted(folder.glob("*.eml"), reverse=True)
    names = [path.name for path in files]
    if chosen not in names:
        chosen = names[0] if names else None
    rows = []
    for path in files:
        message = read_message(path)
        cells = "".join(
            f"<td>{html.escape(str(message.get(name, '')))}</td>" for name in HEADERS
        )
        mark = ' class="chosen"' if path.name == chosen else ""
        rows.append(
            f'<tr{mark}><td><a href="/?m={html.escape(path.name)}">view</a></td>'
            f"{cells}</tr>"
        )
    detail = "<p>No message yet: the emails Odoo sends will appear here.</p>"
    if chosen:
        message = read_message(folder / chosen)
        items = "".join(
            f"<dt>{name}</dt><dd>{html.escape(str(message.get(name, '')))}</dd>"
            for name in HEADERS
        )
        body = html.escape(html_body(message), quote=True)
        detail = (
            f"<dl>{items}</dl>"
            f'<iframe sandbox="" srcdoc="{body}" title="HTML body"></iframe>'
            f'<p><a href="/raw/{html.escape(chosen)}">{html.escape(chosen)}</a></p>'
        )
    head = "".join(f"<th>{name}</th>" for name in HEADERS)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>Mail catcher</title><style>{STYLE}</style></head><body>"
        f"<header><h1>Mail catcher</h1><span>{len(files)} message(s) in "
        f"{html.escape(str(folder))}</span></header>"
        f"<section><table><tr><th></th>{head}</tr>{''.join(rows)}</table></section>"
        f"<section>{detail}</section></body></html>"
    )


def make_handler(folder):
    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            if url.path.startswith("/raw/"):
                path = folder / Path(url.path[5:]).name
                if path.suffix != ".eml" or not path.is_file():
                    self.send_error(404)
                    return
                self._send(path.read_bytes(), "message/rfc822")
                return
            if url.path != "/":
                self.send_error(404)
                return
            chosen = parse_qs(url.query).get("m", [None])[0]
            self._send(render_page(folder, chosen).encode(), "text/html; charset=utf-8")

        def _send(self, content, content_type):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, fmt, *args):
            pass

    return Page


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--http-port", type=int, default=8026)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    controller = Controller(Sink(args.dir), hostname=HOST, port=args.smtp_port)
    controller.start()
    page = ThreadingHTTPServer((HOST, args.http_port), make_handler(args.dir))
    threading.Thread(target=page.serve_forever, daemon=True).start()
    print(
        f"mail-catcher: SMTP on {HOST}:{args.smtp_port}, messages in {args.dir}, "
        f"page on http://{HOST}:{args.http_port}/"
    )
    sys.stdout.flush()

    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    while not stopping.is_set():
        time.sleep(0.5)
    page.shutdown()
    controller.stop()


if __name__ == "__main__":
    main()
