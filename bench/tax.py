"""Benchmark part (f): what the addon costs Odoo's own operations (the tax).

Two databases with the same modules, one without and one with the addon, the
same seeded data; each operation is run ``n`` times per round in each, the
commit included in each timing, rounds interleaved (round 1 without, round 1
with, round 2 without...) so that both see the same load of the shared machine.
The figure of an operation is the median over the rounds of the time of its
``n`` runs.

Each database is measured by a worker process of its own (``python3 tax.py
worker <odoo options>``): the process measuring the database without the addon
never imports the addon's code. This file therefore imports nothing from the
addon (it is also imported by the tests, through the addon's package).
"""

import cProfile
import io
import json
import os
import pstats
import socketserver
import statistics
import sys
import threading
import time
from datetime import datetime, timedelta

MARK = "@@bench-tax "
# (name, label, kind): kind "core" = nothing to do with recruitment (target
# <= 1.2x; for calendar events and mails also 0 extra queries), "recruitment"
# = an application or one of its interviews (target <= 2x).
OPERATIONS = (
    (
        "event_write",
        "Write a calendar event unrelated to recruitment (its end)",
        "core",
    ),
    ("event_create", "Create a calendar event unrelated to recruitment", "core"),
    ("interview_write", "Write an interview event (its end)", "recruitment"),
    ("applicant_create", "Create an applicant (kanban quick create)", "recruitment"),
    ("applicant_stage", "Move an applicant to the next stage", "recruitment"),
    ("interview_create", "Create an interview event for an applicant", "recruitment"),
    ("mail_create", "mail.mail create, a batch of unrelated mails", "core"),
    ("mail_send", "mail.mail send of unrelated mails (SMTP sink on 127.0.0.1)", "core"),
    ("message_post", "message_post of a note on an applicant", "core"),
    ("kanban_read", "Applicant kanban read (web_read_group + web_search_read)", "core"),
)
# Operations whose queries are compared per record (0 extra queries allowed).
SAME_QUERIES = {
    "event_write",
    "event_create",
    "mail_create",
    "mail_send",
}
# Operations timed as one batch of n records (the others: n single operations).
BATCHED = {"mail_create", "mail_send"}
CORE_RATIO = 1.2
RECRUITMENT_RATIO = 2.0
EPOCH = datetime(2030, 1, 7, 8, 0)  # a Monday, far from any generated data


# ---------------------------------------------------------------------------
# A loopback SMTP sink: mails really leave Odoo, and never the machine
# ---------------------------------------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 bench-sink ESMTP")
        in_data = False
        subject = ""
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if in_data:
                if line in (b".\r\n", b".\n"):
                    in_data = False
                    with self.server.lock:
                        self.server.received += 1
                        self.server.subjects.append(subject)
                    subject = ""
                    self.reply("250 OK queued")
                elif line.lower().startswith(b"subject:") and not subject:
                    subject = line[8:].strip().decode("utf-8", "replace")
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-bench-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == b"DATA":
                in_data = True
                self.reply("354 End data with <CR><LF>.<CR><LF>")
            elif verb == b"QUIT":
                self.reply("221 Bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 OK")


class SmtpSink(socketserver.ThreadingTCPServer):
    """SMTP server on 127.0.0.1 that accepts and counts every message."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.lock = threading.Lock()
        self.received = 0
        self.subjects = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self):
        return self.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


# ---------------------------------------------------------------------------
# The seeded data and the operations (run inside a database's process)
# ---------------------------------------------------------------------------


def seed(env, n, rounds, smtp_port=None):
    """The same records in both databases: a job, its applicants, their
    interviews, unrelated calendar events, candidates to apply. Returns the
    ids the operations work on."""
    admin = env.ref("base.user_admin")
    uenv = env(user=admin, context={"tz": "UTC", "tracking_disable": False})
    if smtp_port:
        env["ir.mail_server"].search([]).write({"active": False})
        env["ir.mail_server"].create(
            {
                "name": "bench sink",
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp_port,
                "smtp_encryption": "none",
            }
        )
    job = uenv["hr.job"].create({"name": "Bench tax engineer"})
    stages = uenv["hr.recruitment.stage"].search(
        ["|", ("job_ids", "=", False), ("job_ids", "=", job.id)], order="sequence, id"
    )
    candidates = uenv["hr.candidate"].create(
        [
            {"partner_name": f"Bench candidate {i}", "email_from": f"c{i}@example.com"}
            for i in range(n * (rounds + 1))
        ]
    )
    applicants = uenv["hr.applicant"].create(
        [
            {
                "candidate_id": candidate.id,
                "job_id": job.id,
                "stage_id": stages[i % max(len(stages) - 1, 1)].id,
            }
            for i, candidate in enumerate(candidates[:n])
        ]
    )
    model_id = env["ir.model"]._get_id("hr.applicant")
    interviews = uenv["calendar.event"].create(
        [
            {
                "name": f"Interview: {applicant.partner_name}",
                "start": EPOCH + timedelta(days=i % 30),
                "stop": EPOCH + timedelta(days=i % 30, hours=1),
                "applicant_id": applicant.id,
                "res_model_id": model_id,
                "res_id": applicant.id,
                "partner_ids": [(6, 0, admin.partner_id.ids)],
            }
            for i, applicant in enumerate(applicants)
        ]
    )
    events = uenv["calendar.event"].create(
        [
            {
                "name": f"Team meeting {i}",
                "start": EPOCH + timedelta(days=i % 30),
                "stop": EPOCH + timedelta(days=i % 30, hours=1),
                "partner_ids": [(6, 0, admin.partner_id.ids)],
            }
            for i in range(n)
        ]
    )
    return {
        "admin": admin.id,
        "job": job.id,
        "stages": stages.ids,
        "candidates": candidates[n:].ids,
        "applicants": applicants.ids,
        "interviews": interviews.ids,
        "events": events.ids,
    }


def _kanban_spec(env):
    """The kanban view's fields, as the web client asks for them."""
    from lxml import etree

    views = env["hr.applicant"].get_views([(False, "kanban")])["views"]["kanban"]
    arch = etree.fromstring(views["arch"])
    Applicant = env["hr.applicant"]
    spec = {}
    for node in arch.iter("field"):
        field = Applicant._fields.get(node.get("name"))
        if not field or field.name in spec:
            continue
        if field.type == "many2one" or field.type in ("one2many", "many2many"):
            spec[field.name] = {"fields": {"display_name": {}}}
        else:
            spec[field.name] = {}
    progress = arch.find("progressbar")
    progress_bar = (
        {
            "field": progress.get("field"),
            "colors": json.loads(progress.get("colors", "{}").replace("'", '"')),
        }
        if progress is not None
        else None
    )
    return spec, progress_bar


class Operations:
    """The operations of part (f) on one database; ``commit`` is the cursor's
    commit (a no-op in tests)."""

    def __init__(self, env, data, n, commit):
        self.admin = env["res.users"].browse(data["admin"])
        self.env = env(user=self.admin, context={"tz": "UTC"})
        self.data = data
        self.n = n
        self.commit = commit
        self.created_applicants = {}
        self.created_mails = {}

    def run(self, name, round_no):
        """Run ``name`` n times (or once on a batch of n): seconds and queries,
        each timing from a cold cache (as a new request) to after the commit."""
        method = getattr(self, f"op_{name}")
        env = self.env
        cr = env.cr
        seconds = 0.0
        queries = 0
        for i, args in enumerate(method(round_no)):
            env.invalidate_all()
            count0 = cr.sql_log_count
            start = time.perf_counter()
            args()
            env.flush_all()
            self.commit()
            seconds += time.perf_counter() - start
            queries += cr.sql_log_count - count0
            del i
        return {"seconds": seconds, "queries": queries, "records": self.n}

    # Each op_* yields callables: one per timed operation.

    def op_event_write(self, round_no):
        Event = self.env["calendar.event"]
        for event_id in self.data["events"][: self.n]:
            event = Event.browse(event_id)
            stop = event.start + timedelta(hours=1, minutes=15 * (round_no + 1))
            yield lambda event=event, stop=stop: event.write({"stop": stop})

    def op_event_create(self, round_no):
        Event = self.env["calendar.event"]
        partner = self.admin.partner_id.id
        for i in range(self.n):
            start = EPOCH + timedelta(days=i % 30, hours=2)
            yield lambda i=i, start=start: Event.create(
                {
                    "name": f"Review {round_no}-{i}",
                    "start": start,
                    "stop": start + timedelta(minutes=30),
                    "partner_ids": [(6, 0, [partner])],
                }
            )

    def op_interview_write(self, round_no):
        Event = self.env["calendar.event"]
        for event_id in self.data["interviews"][: self.n]:
            event = Event.browse(event_id)
            stop = event.start + timedelta(hours=1, minutes=15 * (round_no + 1))
            yield lambda event=event, stop=stop: event.write({"stop": stop})

    def op_applicant_create(self, round_no):
        Applicant = self.env["hr.applicant"]
        candidates = self.data["candidates"][
            round_no * self.n : (round_no + 1) * self.n
        ]
        created = self.created_applicants.setdefault(round_no, [])

        def create(candidate_id):
            created.append(
                Applicant.create(
                    {"candidate_id": candidate_id, "job_id": self.data["job"]}
                ).id
            )

        for candidate_id in candidates:
            yield lambda candidate_id=candidate_id: create(candidate_id)

    def op_applicant_stage(self, round_no):
        Applicant = self.env["hr.applicant"]
        stages = self.data["stages"]
        for applicant_id in self.created_applicants.get(round_no, []):
            applicant = Applicant.browse(applicant_id)
            stage = stages[stages.index(applicant.stage_id.id) + 1]
            yield lambda applicant=applicant, stage=stage: applicant.write(
                {"stage_id": stage}
            )

    def op_interview_create(self, round_no):
        Event = self.env["calendar.event"]
        model_id = self.env["ir.model"]._get_id("hr.applicant")
        partner = self.admin.partner_id.id
        for i, applicant_id in enumerate(self.created_applicants.get(round_no, [])):
            start = EPOCH + timedelta(days=i % 30, hours=4)
            yield lambda applicant_id=applicant_id, start=start: Event.create(
                {
                    "name": "Interview",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "applicant_id": applicant_id,
                    "res_model_id": model_id,
                    "res_id": applicant_id,
                    "partner_ids": [(6, 0, [partner])],
                }
            )

    def op_mail_create(self, round_no):
        Mail = self.env["mail.mail"].sudo()
        values = [
            {
                "subject": f"Invoice {round_no}-{i}",
                "body_html": f"<p>Dear customer, your invoice {round_no}-{i}.</p>",
                "email_from": "billing@example.com",
                "email_to": f"customer{i}@example.com",
            }
            for i in range(self.n)
        ]

        def create():
            self.created_mails[round_no] = Mail.create(values).ids

        yield create

    def op_mail_send(self, round_no):
        Mail = self.env["mail.mail"].sudo()
        ids = self.created_mails.get(round_no, [])
        # The mail queue's own path (its scheduled job), on these mails.
        yield lambda: Mail.process_email_queue(ids=ids)

    def op_message_post(self, round_no):
        Applicant = self.env["hr.applicant"]
        for i, applicant_id in enumerate(self.data["applicants"][: self.n]):
            applicant = Applicant.browse(applicant_id)
            yield lambda applicant=applicant, i=i: applicant.message_post(
                body=f"Called the candidate ({round_no}-{i}).",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def op_kanban_read(self, round_no):
        Applicant = self.env["hr.applicant"]
        spec, progress_bar = _kanban_spec(self.env)
        domain = [("job_id", "=", self.data["job"])]

        def read():
            groups = Applicant.web_read_group(
                domain, ["color"], ["stage_id"], lazy=True, limit=80
            )["groups"]
            if progress_bar:
                Applicant.read_progress_bar(domain, "stage_id", progress_bar)
            for group in groups:
                Applicant.web_search_read(
                    group["__domain"], spec, limit=40, order="priority desc, id desc"
                )

        for _i in range(self.n):
            yield read


def mails_sent(env, data_mail_ids):
    """How many of these mails left (sent, or sent then deleted by the queue)."""
    env.cr.execute(
        "SELECT COUNT(*) FROM mail_mail WHERE id = ANY(%s) AND state != 'sent'",
        (list(data_mail_ids),),
    )
    return len(data_mail_ids) - env.cr.fetchone()[0]


# ---------------------------------------------------------------------------
# The worker: one database, commands on stdin, results on stdout
# ---------------------------------------------------------------------------


def _send(payload):
    sys.stdout.write(MARK + json.dumps(payload) + "\n")
    sys.stdout.flush()


def worker(argv):
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(argv)
    odoo.netsvc.init_logger()
    registry = Registry(config["db_name"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        ops = None
        _send({"ready": True})
        for line in sys.stdin:
            command = json.loads(line)
            if command["cmd"] == "seed":
                data = seed(env, command["n"], command["rounds"], command["smtp_port"])
                cr.commit()
                ops = Operations(env, data, command["n"], cr.commit)
                _send({"seeded": True})
            elif command["cmd"] == "op":
                profiler = cProfile.Profile() if command.get("profile") else None
                if profiler:
                    profiler.enable()
                result = ops.run(command["op"], command["round"])
                if profiler:
                    profiler.disable()
                    out = io.StringIO()
                    pstats.Stats(profiler, stream=out).sort_stats(
                        "cumulative"
                    ).print_stats(30)
                    result["profile"] = out.getvalue()
                if command["op"] == "mail_send":
                    result["sent"] = mails_sent(
                        env, ops.created_mails.get(command["round"], [])
                    )
                _send(result)
            else:
                break
    return 0


# ---------------------------------------------------------------------------
# The orchestration (bench/run.py)
# ---------------------------------------------------------------------------


class Worker:
    def __init__(self, python, odoo_args, db, log_path):
        import subprocess

        self.log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [python, os.path.abspath(__file__), "worker", *odoo_args, "-d", db],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            cwd="/tmp",
            env=dict(os.environ, TZ="UTC"),
        )
        self.db = db
        self.log_path = log_path
        self.receive()

    def receive(self):
        for line in self.proc.stdout:
            if line.startswith(MARK):
                return json.loads(line[len(MARK) :])
        raise RuntimeError(
            f"the worker on {self.db} stopped; its log: {self.log_path}\n"
            + _tail(self.log_path)
        )

    def call(self, **command):
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self.receive()

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait(timeout=120)
        self.log.close()


def _tail(path, lines=30):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def measure_tax(
    python, odoo_args, db_without, db_with, n, rounds, scratch, say, profile=()
):
    """Run part (f) on the two databases: one row per operation. The
    operations named in ``profile`` are profiled (cProfile) in the last round
    on both sides: the reports are written to ``scratch`` and printed."""
    results = {name: {"without": [], "with": []} for name, _l, _k in OPERATIONS}
    sent = {"without": 0, "with": 0}
    with SmtpSink() as sink:
        workers = {
            "without": Worker(
                python, odoo_args, db_without, os.path.join(scratch, "f_without.log")
            ),
            "with": Worker(
                python, odoo_args, db_with, os.path.join(scratch, "f_with.log")
            ),
        }
        try:
            for side, worker_ in workers.items():
                say(f"(f) seeding the database {side} the addon")
                worker_.call(cmd="seed", n=n, rounds=rounds, smtp_port=sink.port)
            for round_no in range(rounds):
                for name, _label, _kind in OPERATIONS:
                    # Alternate which side goes first: neither always runs on
                    # the other's leftovers (autovacuum, caches).
                    order = (
                        ("without", "with")
                        if round_no % 2 == 0
                        else ("with", "without")
                    )
                    for side in order:
                        result = workers[side].call(
                            cmd="op",
                            op=name,
                            round=round_no,
                            profile=name in profile and round_no == rounds - 1,
                        )
                        if result.get("profile"):
                            path = os.path.join(scratch, f"profile_{name}_{side}.txt")
                            report = result.pop("profile")
                            with open(path, "w", encoding="utf-8") as f:
                                f.write(report)
                            say(f"(f) profile of {name} {side} the addon:")
                            print(report, flush=True)
                        results[name][side].append(result)
                        sent[side] += result.get("sent", 0)
                say(
                    f"(f) round {round_no + 1}/{rounds} done; "
                    + ", ".join(
                        f"{name} {results[name]['without'][-1]['seconds']:.2f}/"
                        f"{results[name]['with'][-1]['seconds']:.2f} s"
                        for name, _l, _k in OPERATIONS
                    )
                )
        finally:
            for worker_ in workers.values():
                worker_.close()
        received = sink.received
        others = [s for s in sink.subjects if not s.startswith("Invoice ")]
    return summarize(results, n, rounds), {
        "sent": sent,
        "received": received,
        "others": others,
    }


def summarize(results, n, rounds):
    rows = []
    for name, label, kind in OPERATIONS:
        without = results[name]["without"]
        with_ = results[name]["with"]
        t0 = statistics.median(r["seconds"] for r in without)
        t1 = statistics.median(r["seconds"] for r in with_)
        per = n  # queries per record (mail, event, applicant...) or per read
        q0 = statistics.median(r["queries"] for r in without) / per
        q1 = statistics.median(r["queries"] for r in with_) / per
        ratio = t1 / t0 if t0 else float("inf")
        # The same round's two sides ran one after the other, under the same
        # load: the median of the rounds' own ratios cancels the load's drift
        # between rounds. Judged on the larger of the two estimates.
        paired = statistics.median(
            b["seconds"] / a["seconds"] if a["seconds"] else float("inf")
            for a, b in zip(without, with_, strict=True)
        )
        limit = CORE_RATIO if kind == "core" else RECRUITMENT_RATIO
        met = max(ratio, paired) <= limit
        target = f"<= {limit:g}x"
        if name in SAME_QUERIES:
            target += ", 0 extra queries"
            met = met and q1 <= q0
        rows.append(
            {
                "name": name,
                "label": label,
                "kind": kind,
                "without": t0,
                "with": t1,
                "ratio": ratio,
                "paired": paired,
                "queries_without": q0,
                "queries_with": q1,
                "spread_without": (
                    min(r["seconds"] for r in without),
                    max(r["seconds"] for r in without),
                ),
                "spread_with": (
                    min(r["seconds"] for r in with_),
                    max(r["seconds"] for r in with_),
                ),
                "target": target,
                "met": met,
            }
        )
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        sys.exit(worker(sys.argv[2:]))
    sys.exit("usage: tax.py worker <odoo options> -d DB")
