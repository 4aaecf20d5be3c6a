"""Benchmark of the follow-up job against a base_automation rule: the measuring part.

Started by ``bench/run`` (which creates the database and installs the addon);
every option it does not know is handed to Odoo (``-d``, ``--addons-path``...).
Prints one table and, for a full run, writes it to ``bench/RESULTS.md``.
"""

import argparse
import cProfile
import datetime
import io
import os
import platform
import pstats
import re
import sys
import time

SMOKE = {"applicants": 600, "due": 120, "logs": 6000}
RESULTS_START = "<!-- bench:latest:start -->"
RESULTS_END = "<!-- bench:latest:end -->"
HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = "hr_recruitment_followup.mail_template_followup_talent_pool"
RULE = "hr_recruitment_followup.followup_rule_talent_pool"
VACUUM_TABLES = (
    "res_partner",
    "hr_candidate",
    "hr_applicant",
    "calendar_event",
    "hr_applicant_contact_log",
    "mail_message",
    "mail_mail",
)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, allow_abbrev=False)
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--logs", type=int, default=1_000_000)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, a minute")
    parser.add_argument(
        "--skip", default="", help="comma-separated parts to leave out: a,b,c,d,e"
    )
    parser.add_argument("--results", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument(
        "--no-write", action="store_true", help="do not write RESULTS.md"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="runs of the job in (a) and (c), the fastest kept (the machine is shared)",
    )
    parser.add_argument("--profile", help="write a cProfile of (a) to this file")
    args, odoo_args = parser.parse_known_args(argv)
    if args.smoke:
        for key, value in SMOKE.items():
            setattr(args, key, value)
        args.no_write = True
        args.repeat = 1
    if args.due > args.applicants:
        parser.error("--due cannot exceed --applicants")
    args.skip = set(filter(None, args.skip.split(",")))
    return args, odoo_args


def machine():
    def read(path):
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except OSError:
            return ""

    cpu = re.search(r"^model name\s*:\s*(.+)$", read("/proc/cpuinfo"), re.MULTILINE)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", read("/proc/meminfo"), re.MULTILINE)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    return {
        "cpus": cores,
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "ram": f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "?",
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def load():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def fmt_s(seconds):
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def say(message):
    print(f"[bench] {message}", flush=True)


class Bench:
    """One run: the data, then each part, each adding rows to the table."""

    def __init__(self, env, args, datagen, measure):
        self.env = env
        self.args = args
        self.datagen = datagen
        self.measure = measure
        self.rows = []  # (part, figure, addon, base, ratio, target, met)
        self.notes = []
        self.info = {}
        self.addon = self.base = None

    def commit(self):
        self.env.cr.commit()

    def row(self, part, figure, addon, base="", ratio="", target="", met=None):
        self.rows.append((part, figure, addon, base, ratio, target, met))

    def generate(self):
        args, env = self.args, self.env
        say(
            f"generating {args.applicants} applicants ({args.due} due) and "
            f"about {args.logs} contact logs"
        )
        start = time.perf_counter()
        self.data = self.datagen.generate(
            env, args.applicants, args.due, args.logs, plan=False
        )
        self.commit()
        generated = time.perf_counter() - start
        env.cr.execute("SELECT COUNT(*) FROM hr_applicant_contact_log")
        self.total_logs = env.cr.fetchone()[0]
        say(f"generated in {generated:.1f} s ({self.total_logs} logs); planning")
        start = time.perf_counter()
        self.datagen.plan_applicants(
            env, self.data["applicant_ids"], commit=self.commit
        )
        planned = time.perf_counter() - start
        self.measure.vacuum(env, VACUUM_TABLES)
        self.due = self.measure.due_count(env)
        say(f"planned in {planned:.1f} s; due now: {self.due}")
        if self.due != args.due:
            self.notes.append(
                f"{self.due} applicants due after planning, {args.due} asked."
            )
        count = len(self.data["applicant_ids"])
        self.info["data"] = (
            f"{count} applicants, {self.due} due, {self.total_logs} contact logs; "
            f"generated in {generated:.0f} s, planned by the addon's planner in "
            f"{planned:.0f} s ({count / planned:.0f} applicants/s)"
        )
        self.marks = self.measure.snapshot(env, self.data["due_ids"])
        self.commit()

    def part_e(self):
        """(e) the recruiter's lists and the manager's reports."""
        say("(e) lists and reports")
        env, measure = self.env, self.measure
        recruiter = env["res.users"].search(
            [("login", "=like", "bench_recruiter_%")], limit=1
        )
        results = measure.recruiter_lists(env, recruiter) + measure.manager_reports(
            env, env.ref("base.user_admin")
        )
        for result in results:
            self.row(
                "e",
                f"{result['label']} ({result['rows']} rows), {self.total_logs} logs",
                fmt_s(result["seconds"]),
                target="< 1 s",
                met=result["seconds"] < 1,
            )
        if not measure.report_models(env):
            self.notes.append(
                "(e) no report model (hr.recruitment.followup.report*) in this "
                "build: the grouped views of the contact log stand in for them."
            )
        env.invalidate_all()
        self.commit()

    def best_dispatch(self, profile=None):
        """The addon's job on the due applicants, ``--repeat`` times (data
        restored after each run): the fastest run."""
        best = None
        for _i in range(max(self.args.repeat, 1)):
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            result = self.measure.addon_dispatch(self.env, self.marks)
            if profiler:
                profiler.disable()
                profiler.dump_stats(profile)
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("cumulative").print_stats(40)
                print(out.getvalue())
                profile = None
            self.commit()
            say("{mails} mails, {logs} logs in {seconds:.1f} s".format(**result))
            self.measure.restore(self.env, self.marks)
            self.measure.vacuum(self.env)
            if best is None or result["seconds"] < best["seconds"]:
                best = result
        if best["mailed"] != self.due or best["logs"] != self.due:
            self.notes.append(
                f"{best['mailed']} applicants mailed and {best['logs']} logs "
                f"for {self.due} due."
            )
        return best

    def part_a(self):
        """(a) the addon's scheduled job on the due applicants."""
        say(f"(a) the addon's job on {self.due} due applicants")
        self.addon = self.best_dispatch(profile=self.args.profile)

    def part_b(self):
        """(b) a base_automation time rule sending the same template."""
        say(f"(b) a base_automation time rule on the same {self.due} applicants")
        env = self.env
        automation = self.measure.make_base_automation(
            env, env.ref(TEMPLATE), env.ref(RULE)
        )
        self.commit()
        self.base = self.measure.base_automation_dispatch(env, automation, self.marks)
        self.commit()
        say("(b) {mails} mails in {seconds:.1f} s".format(**self.base))
        if self.base["mailed"] != self.due:
            self.notes.append(f"(b) {self.base['mailed']} mailed for {self.due} due.")
        automation.action_server_ids.unlink()
        automation.unlink()
        self.measure.restore(env, self.marks)
        self.measure.vacuum(env)

    def rows_ab(self):
        addon, base = self.addon, self.base
        if not addon:
            return
        ratio = addon["per_second"] / base["per_second"] if base else None
        self.row(
            "a/b",
            f"Follow-up emails queued per second, {self.due} due",
            f"{addon['per_second']:.1f}/s",
            f"{base['per_second']:.1f}/s" if base else "",
            f"{ratio:.1f}x" if ratio else "",
            ">= 10x and >= 400/s",
            addon["per_second"] >= 400 and (ratio is None or ratio >= 10),
        )
        self.row(
            "a/b",
            f"Time to process the {self.due} due applicants (CPU of Odoo's process)",
            f"{fmt_s(addon['seconds'])} ({fmt_s(addon['cpu_seconds'])}; SQL "
            f"{fmt_s(addon['sql_seconds'])})",
            f"{fmt_s(base['seconds'])} ({fmt_s(base['cpu_seconds'])})" if base else "",
            f"{addon['seconds'] / base['seconds']:.3f}" if base else "",
        )
        per_mail = addon["queries"] / max(addon["mails"], 1)
        base_per_mail = base["queries"] / max(base["mails"], 1) if base else 0
        self.row(
            "a/b",
            "SQL queries per follow-up",
            f"{per_mail:.2f}",
            f"{base_per_mail:.2f}" if base else "",
            f"{per_mail / base_per_mail:.3f}" if base_per_mail else "",
        )
        written = "{mails} / {logs} / {activities}"
        self.row(
            "a/b",
            "Written: mails / contact logs / activities",
            written.format(**addon),
            written.format(**base) if base else "",
        )

    def part_d(self):
        """(d) SQL queries per batch, 50 and 500 applicants due."""
        say("(d) queries per batch with 50 and 500 due")
        results = self.measure.queries_per_batch(
            self.env, self.marks, self.data["due_ids"]
        )
        self.commit()
        same = (
            len(results) == 2 and len({r["per_batch"] for r in results.values()}) == 1
        )
        for size, result in results.items():
            self.row(
                "d",
                f"SQL queries per batch, {size} due ({result['batches']} batch(es) "
                f"of up to {result['batch_size']}; + {result['tail']} for the run)",
                f"{result['per_batch']:.1f}",
                target="same at 50 and 500",
                met=same,
            )

    def part_c(self):
        """(c) the same due applicants among twice as many not-due ones."""
        env, args = self.env, self.args
        not_due = len(self.data["applicant_ids"]) - len(self.data["due_ids"])
        say(f"(c) adding {not_due} applicants that are not due")
        more_logs = round(args.logs * not_due / max(args.applicants, 1))
        extra = self.datagen.generate(env, not_due, 0, more_logs, plan=False, seed=43)
        self.commit()
        self.datagen.plan_applicants(env, extra["applicant_ids"], commit=self.commit)
        self.measure.vacuum(env, VACUUM_TABLES)
        say(f"(c) due now: {self.measure.due_count(env)}")
        self.marks = self.measure.snapshot(env, self.data["due_ids"])
        self.commit()
        doubled = self.best_dispatch()
        change = (doubled["seconds"] - self.addon["seconds"]) / self.addon["seconds"]
        self.row(
            "c",
            f"Job time with {2 * not_due} instead of {not_due} not-due applicants",
            f"{fmt_s(doubled['seconds'])} ({change:+.1%}); CPU "
            f"{fmt_s(doubled['cpu_seconds'])} vs {fmt_s(self.addon['cpu_seconds'])}, "
            f"SQL {fmt_s(doubled['sql_seconds'])} vs "
            f"{fmt_s(self.addon['sql_seconds'])}, selection "
            f"{fmt_s(doubled['claim_seconds'])} vs "
            f"{fmt_s(self.addon['claim_seconds'])}",
            target="< 10 % change",
            met=abs(change) < 0.10,
        )

    def run(self):
        self.generate()
        skip = self.args.skip
        if "e" not in skip:
            self.part_e()  # at the asked number of logs, before (c) adds more
        if "a" not in skip or "c" not in skip:
            self.part_a()
        if "b" not in skip:
            self.part_b()
        self.rows_ab()
        if "d" not in skip:
            self.part_d()
        if "c" not in skip:
            self.part_c()


def render_table(rows):
    header = (
        "",
        "figure",
        "addon",
        "base_automation",
        "addon / base_automation",
        "target",
        "met",
    )
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " for _h in header) + "|",
    ]
    for part, figure, addon, base, ratio, target, met in rows:
        mark = "" if met is None else ("yes" if met else "**no**")
        lines.append(
            f"| {part} | {figure} | {addon} | {base} | {ratio} | {target} | {mark} |"
        )
    return "\n".join(lines)


def write_results(path, info, table, notes, args):
    command = (
        f"bench/run --applicants {args.applicants} --due {args.due} --logs {args.logs}"
        f" --repeat {args.repeat}"
    )
    block = "\n".join(
        [
            RESULTS_START,
            f"## Latest run: {info['date']}",
            "",
            f"`{command}`",
            "",
            (
                f"- Machine: {info['cpus']} CPU(s) available, {info['cpu']}, "
                f"{info['ram']} RAM; {info['os']}"
            ),
            (
                f"- Odoo {info['odoo']}, PostgreSQL {info['postgresql']}, "
                f"Python {info['python']}"
            ),
            (
                f"- Load average before / after: {info['load_before']} / "
                f"{info['load_after']} (the machine is shared)"
            ),
            f"- Data: {info['data']}",
            "",
            table,
            "",
            *[f"- Note: {note}" for note in notes],
            RESULTS_END,
        ]
    )
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        text = f"# Benchmark results\n\n{RESULTS_START}\n{RESULTS_END}\n"
    if RESULTS_START in text and RESULTS_END in text:
        before = text.split(RESULTS_START)[0]
        after = text.split(RESULTS_END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv):
    args, odoo_args = parse_args(argv)
    # Imported here: Odoo is configured from the arguments first.
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    if not config["db_name"]:
        sys.exit("bench/run.py: no database (-d)")
    registry = Registry(config["db_name"])
    from odoo.addons.hr_recruitment_followup.bench import datagen, measure

    info = machine()
    info["odoo"] = odoo.release.version
    info["date"] = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC"
    )
    info["load_before"] = load()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute("SHOW server_version")
        info["postgresql"] = cr.fetchone()[0]
        bench = Bench(env, args, datagen, measure)
        bench.info = info
        bench.run()
    info["load_after"] = load()
    table = render_table(bench.rows)
    print()
    print(table)
    for note in bench.notes:
        print(f"note: {note}")
    if not args.no_write:
        write_results(args.results, info, table, bench.notes, args)
        say(f"written to {args.results}")
    return 0 if all(row[6] is not False for row in bench.rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
