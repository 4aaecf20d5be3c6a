"""Guards shared by the addon's scheduled jobs."""

from odoo.exceptions import AccessError


def check_scheduled_job_caller(env, message):
    """Refuse anyone but the scheduled job (superuser) or an administrator.

    The jobs work as superuser on every company; an administrator's "Run
    Manually" is the only other legitimate caller.
    """
    if not env.su and not env.user.has_group("base.group_system"):
        raise AccessError(message)
