"""Benchmark part (g): install, upgrade and uninstall on years of history.

For each size, a copy of a fresh database with the addon installed gets the
generator's history (``datagen``: applicants, interviews, contact logs, planned
by the addon's planner). Then, each as an Odoo process of its own, timed, its
peak RSS read from the kernel (``wait4``'s ``ru_maxrss``, the process's high
water mark):

1. ``-u hr_recruitment_followup`` on the full history (the contact log included);
2. uninstall (``button_immediate_uninstall``, what Apps > Uninstall runs);
3. ``-i hr_recruitment_followup`` on what is left: the applicants, candidates and
   interviews of years of recruiting, without the addon (its own tables, the
   contact log among them, went with it): an administrator's first install;
4. ``-u`` again, on that fresh install.

Like ``tax.py``, this file imports nothing from the addon at module level: its
``generate`` and ``uninstall`` commands run as ``python3 scale.py CMD <odoo
options>``.
"""

import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time

MODULE = "hr_recruitment_followup"
HERE = os.path.dirname(os.path.abspath(__file__))
INSTALL_RSS_MB = 400
FLAT = 1.10  # peak RSS of the largest size <= 1.10 x the smallest's
LINEAR = 1.25  # time ratio <= 1.25 x the size ratio
UPGRADE_SECONDS = 60
UNINSTALL_SECONDS = 60


def depends():
    """The addon's direct dependencies, from its manifest."""
    with open(os.path.join(HERE, "..", "__manifest__.py"), encoding="utf-8") as f:
        return ast.literal_eval(f.read())["depends"]


GNU_TIME = "/usr/bin/time"


def run_measured(command, log_path, env=None):
    """Run ``command``; its wall time and the peak RSS of its process (MB).

    The peak is the kernel's high water mark of the process (``ru_maxrss``),
    reported by GNU time, which starts it: a process forked from this one would
    count this one's memory before its ``exec``. Without GNU time, the
    process's ``VmHWM`` is polled every 50 ms instead.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        wrapped = command
        if os.access(GNU_TIME, os.X_OK):
            wrapped = [GNU_TIME, "-f", "%M %U %S", "-o", out.name, *command]
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"$ {' '.join(command)}\n")
            log.flush()
            start = time.perf_counter()
            proc = subprocess.Popen(
                wrapped,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd="/tmp",
                env=dict(env or os.environ, TZ="UTC"),
            )
            polled = 0
            while proc.poll() is None:
                polled = max(polled, _vm_hwm_kb(proc.pid))
                time.sleep(0.05)
            seconds = time.perf_counter() - start
        report = out.read().split() if wrapped is not command else []
    if len(report) >= 3 and proc.returncode == 0:
        rss_kb = int(report[-3])
        cpu = float(report[-2]) + float(report[-1])
    else:
        rss_kb, cpu = polled, None
    return {
        "seconds": seconds,
        "rss_mb": rss_kb / 1024,
        "returncode": proc.returncode,
        "cpu_seconds": cpu,
    }


def _vm_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def odoo_command(python, odoo_args, db, *extra):
    return [
        python,
        "-m",
        "odoo",
        *odoo_args,
        "-d",
        db,
        "--no-http",
        "--stop-after-init",
        *extra,
    ]


def script_command(python, odoo_args, db, cmd, *extra):
    return [python, os.path.abspath(__file__), cmd, *odoo_args, "-d", db, *extra]


def _tail(path, lines=40):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def check(result, what, log_path):
    if result["returncode"]:
        raise RuntimeError(f"{what} failed ({log_path}):\n{_tail(log_path)}")
    return result


def clone_db(template, db, data_dir):
    """A copy of ``template`` (and of its filestore) named ``db``."""
    subprocess.run(["createdb", "-T", template, db], check=True)
    source = os.path.join(data_dir, "filestore", template)
    if os.path.isdir(source):
        shutil.copytree(source, os.path.join(data_dir, "filestore", db))


def drop_db(db, data_dir):
    subprocess.run(
        ["dropdb", "--if-exists", "--force", db],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    shutil.rmtree(os.path.join(data_dir, "filestore", db), ignore_errors=True)


def counts(db):
    """Applicants, interviews and contact logs in ``db`` (psql)."""

    def query(sql):
        return subprocess.run(
            ["psql", "-X", "-At", "-F", " ", "-d", db, "-c", sql],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()

    applicants, interviews = query(
        "SELECT (SELECT COUNT(*) FROM hr_applicant),"
        " (SELECT COUNT(*) FROM calendar_event WHERE applicant_id IS NOT NULL)"
    )
    logs = 0
    if query("SELECT to_regclass('hr_applicant_contact_log') IS NOT NULL") == ["t"]:
        logs = query("SELECT COUNT(*) FROM hr_applicant_contact_log")[0]
    return int(applicants), int(interviews), int(logs)


def measure_size(python, odoo_args, template, db, size, logs, data_dir, log_path, say):
    """Steps 1-4 on ``size`` applicants: a list of result dicts."""
    clone_db(template, db, data_dir)
    due = max(size // 10, 1)
    say(f"(g) {size} applicants: generating the history ({logs} contact logs)")
    generated = check(
        run_measured(
            script_command(
                python,
                odoo_args,
                db,
                "generate",
                f"--applicants={size}",
                f"--due={due}",
                f"--logs={logs}",
            ),
            log_path,
        ),
        "generating",
        log_path,
    )
    say(f"(g) generated in {generated['seconds']:.0f} s; {counts(db)}")
    results = []
    steps = (
        (
            "-u",
            "upgrade, full history",
            odoo_command(python, odoo_args, db, "-u", MODULE),
        ),
        (
            "uninstall",
            "uninstall, full history",
            script_command(python, odoo_args, db, "uninstall"),
        ),
        (
            "-i",
            "install on the history, addon uninstalled",
            odoo_command(python, odoo_args, db, "-i", MODULE, "--without-demo=all"),
        ),
        (
            "-u",
            "upgrade after that install",
            odoo_command(python, odoo_args, db, "-u", MODULE),
        ),
    )
    for kind, label, command in steps:
        applicants, interviews, contact_logs = counts(db)
        result = check(run_measured(command, log_path), label, log_path)
        result.update(
            kind=kind,
            label=label,
            size=size,
            applicants=applicants,
            interviews=interviews,
            logs=contact_logs,
        )
        say(
            f"(g) {size}: {label}: {result['seconds']:.1f} s, "
            f"peak RSS {result['rss_mb']:.0f} MB"
        )
        results.append(result)
    return results


def judge(results):
    """Targets: a (target, met) pair for each result, and overall rows."""
    installs = [r for r in results if r["kind"] == "-i"]
    for result in results:
        if result["kind"] == "-i":
            result["target"] = f"RSS < {INSTALL_RSS_MB} MB"
            result["met"] = result["rss_mb"] < INSTALL_RSS_MB
        elif result["kind"] == "-u":
            result["target"] = f"< {UPGRADE_SECONDS} s"
            result["met"] = result["seconds"] < UPGRADE_SECONDS
        else:
            result["target"] = f"< {UNINSTALL_SECONDS} s"
            result["met"] = result["seconds"] < UNINSTALL_SECONDS
    summary = []
    if len(installs) >= 2:
        small, large = installs[0], installs[-1]
        rss_ratio = large["rss_mb"] / small["rss_mb"]
        size_ratio = large["size"] / small["size"]
        time_ratio = large["seconds"] / small["seconds"]
        summary.append(
            {
                "label": f"install peak RSS, {large['size']} vs {small['size']} "
                "applicants",
                "value": f"{large['rss_mb']:.0f} MB vs {small['rss_mb']:.0f} MB "
                f"({rss_ratio:.2f}x)",
                "target": f"flat (<= {FLAT:.2f}x)",
                "met": rss_ratio <= FLAT,
            }
        )
        summary.append(
            {
                "label": f"install time, {large['size']} vs {small['size']} applicants",
                "value": f"{large['seconds']:.1f} s vs {small['seconds']:.1f} s "
                f"({time_ratio:.2f}x for {size_ratio:.1f}x the applicants)",
                "target": f"linear (<= {LINEAR:.2f} x {size_ratio:.1f})",
                "met": time_ratio <= LINEAR * size_ratio,
            }
        )
    return summary


def measure_scale(
    python,
    odoo_args,
    template,
    prefix,
    sizes,
    logs_per,
    data_dir,
    scratch,
    say,
    keep=False,
):
    results = []
    for size in sizes:
        db = f"{prefix}_g{size}"
        log_path = os.path.join(scratch, f"g_{size}.log")
        try:
            results += measure_size(
                python,
                odoo_args,
                template,
                db,
                size,
                size * logs_per,
                data_dir,
                log_path,
                say,
            )
        finally:
            if not keep:
                drop_db(db, data_dir)
    return results, judge(results)


# ---------------------------------------------------------------------------
# Commands run as processes of their own
# ---------------------------------------------------------------------------


def _registry(argv):
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(argv)
    odoo.netsvc.init_logger()
    return odoo, Registry(config["db_name"])


def generate_command(argv):
    """Years of history in the database (the addon installed): datagen, then
    the addon's planner, committed; statistics refreshed."""
    import argparse

    parser = argparse.ArgumentParser(allow_abbrev=False)
    parser.add_argument("--applicants", type=int, required=True)
    parser.add_argument("--due", type=int, required=True)
    parser.add_argument("--logs", type=int, required=True)
    args, odoo_args = parser.parse_known_args(argv)
    odoo, registry = _registry(odoo_args)
    from odoo.addons.hr_recruitment_followup.bench import datagen, measure

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        data = datagen.generate(env, args.applicants, args.due, args.logs, plan=False)
        cr.commit()
        datagen.plan_applicants(env, data["applicant_ids"], commit=cr.commit)
        measure.vacuum(
            env,
            (
                "res_partner",
                "hr_candidate",
                "hr_applicant",
                "calendar_event",
                "hr_applicant_contact_log",
            ),
        )
    return 0


def uninstall_command(argv):
    """Uninstall the addon, as Apps > Uninstall does."""
    odoo, registry = _registry(argv)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        module = env["ir.module.module"].search([("name", "=", MODULE)])
        module.button_immediate_uninstall()
        cr.commit()
    return 0


if __name__ == "__main__":
    COMMANDS = {"generate": generate_command, "uninstall": uninstall_command}
    if sys.argv[1:2] and sys.argv[1] in COMMANDS:
        sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
    sys.exit("usage: scale.py generate|uninstall <odoo options> -d DB")
