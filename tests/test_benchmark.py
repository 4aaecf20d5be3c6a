"""The benchmark's parts (f) and (g), kept honest on a tiny scale.

``bench/run --smoke`` runs them end to end (databases of their own, processes);
here the operations of (f) run in the test database, and the instruments of
(f) and (g) (SMTP sink, peak RSS of a process, targets) measure known things.
"""

import smtplib
import sys
from email.message import EmailMessage

from odoo.tests import TransactionCase, tagged

from ..bench import run, scale, tax


@tagged("post_install", "-at_install")
class TestBenchmarkParts(TransactionCase):
    def test_tax_operations_do_what_they_say(self):
        """Each operation of (f) runs n times and does its work, once per round."""
        n, rounds = 3, 2
        data = tax.seed(self.env, n, rounds)
        ops = tax.Operations(self.env, data, n, commit=lambda: None)
        Event = self.env["calendar.event"]
        Applicant = self.env["hr.applicant"]
        stops = Event.browse(data["events"]).mapped("stop")
        messages = len(Applicant.browse(data["applicants"][0]).message_ids)
        for round_no in range(rounds):
            results = {
                name: ops.run(name, round_no) for name, _label, _kind in tax.OPERATIONS
            }
            for name, result in results.items():
                self.assertGreater(result["queries"], 0, name)
                self.assertGreater(result["seconds"], 0, name)
                self.assertEqual(result["records"], n, name)
            created = Applicant.browse(ops.created_applicants[round_no])
            self.assertEqual(len(created), n)
            # Created in the first stage, then moved to the next one.
            self.assertEqual(set(created.stage_id.ids), {data["stages"][1]})
            self.assertEqual(len(created.meeting_ids), n)
            self.assertEqual(tax.mails_sent(self.env, ops.created_mails[round_no]), n)
        self.assertNotEqual(Event.browse(data["events"]).mapped("stop"), stops)
        self.assertEqual(
            len(Applicant.browse(data["applicants"][0]).message_ids),
            messages + rounds,
        )
        rows = tax.summarize(
            {
                name: {"without": [result], "with": [result]}
                for name, result in results.items()
            },
            n,
            1,
        )
        self.assertTrue(all(row["met"] and row["ratio"] == 1 for row in rows))

    def test_tax_targets(self):
        """<= 1.2x and no extra query for mails and events, <= 2x for recruitment."""

        def rows(name, seconds_with, queries_with):
            results = {
                op: {
                    "without": [{"seconds": 1.0, "queries": 10}] * 3,
                    "with": [{"seconds": 1.0, "queries": 10}] * 3,
                }
                for op, _label, _kind in tax.OPERATIONS
            }
            results[name]["with"] = [
                {"seconds": seconds_with, "queries": queries_with},
                {"seconds": 100.0, "queries": 1000},  # the median ignores it
                {"seconds": seconds_with, "queries": queries_with},
            ]
            return {row["name"]: row["met"] for row in tax.summarize(results, 10, 3)}

        self.assertTrue(rows("event_write", 1.19, 10)["event_write"])
        self.assertFalse(rows("event_write", 1.19, 11)["event_write"])
        self.assertFalse(rows("mail_send", 1.3, 10)["mail_send"])
        self.assertTrue(rows("kanban_read", 1.2, 14)["kanban_read"])
        self.assertTrue(rows("applicant_stage", 1.9, 30)["applicant_stage"])
        self.assertFalse(rows("interview_write", 2.1, 10)["interview_write"])

    def test_smtp_sink_receives(self):
        with (
            tax.SmtpSink() as sink,
            smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp,
        ):
            message = EmailMessage()
            message["From"] = "a@example.com"
            message["To"] = "b@example.com"
            message["Subject"] = "sink"
            message.set_content("line\n.\nend")
            smtp.send_message(message)
            smtp.send_message(message)
        self.assertEqual(sink.received, 2)

    def test_peak_rss_of_a_process(self):
        """(g) reads the peak RSS of the process it runs, not its own."""
        log = "/dev/null"
        small = scale.run_measured([sys.executable, "-c", "pass"], log)
        big = scale.run_measured(
            [
                sys.executable,
                "-c",
                "b = bytearray(160 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])",
            ],
            log,
        )
        self.assertEqual((small["returncode"], big["returncode"]), (0, 0))
        self.assertLess(small["rss_mb"], 100)
        self.assertGreater(big["rss_mb"], 160)
        self.assertGreater(big["seconds"], 0)

    def test_scale_targets(self):
        def result(kind, size, seconds, rss):
            return {"kind": kind, "size": size, "seconds": seconds, "rss_mb": rss}

        results = [
            result("-u", 50, 10, 300),
            result("uninstall", 50, 61, 300),
            result("-i", 50, 20, 300),
            result("-i", 200, 70, 320),
        ]
        summary = scale.judge(results)
        self.assertEqual([r["met"] for r in results], [True, False, True, True])
        # 320 MB is within 10 % of 300 MB; 3.5x the time for 4x the applicants.
        self.assertEqual([r["met"] for r in summary], [True, True])
        results[-1].update(seconds=110, rss_mb=420)
        summary = scale.judge(results)
        self.assertFalse(results[-1]["met"])
        self.assertEqual([r["met"] for r in summary], [False, False])

    def test_run_options(self):
        """Medians, not the fastest run; the processes get their own database."""
        runs = [{"seconds": s} for s in (5.0, 1.0, 3.0, 9.0)]
        self.assertEqual(run.median_run(runs)["seconds"], 3.0)
        self.assertEqual(run.median_run(runs[:3])["seconds"], 3.0)
        self.assertEqual(
            run.subprocess_odoo_args(
                ["-c", "x.conf", "-d", "db", "--db-filter", "^db$", "--log-level=warn"]
            ),
            ["-c", "x.conf", "--log-level=warn"],
        )
        args, _odoo = run.parse_args(["--smoke"])
        self.assertEqual(args.scale_sizes, [200, 400])
        self.assertEqual((args.tax_n, args.tax_rounds), (5, 2))
