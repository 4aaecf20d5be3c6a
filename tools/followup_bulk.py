"""Create many records of a model in one INSERT, as ``create()`` would.

The scheduled job writes one mail (a ``mail.message`` and its ``mail.mail``) and
one contact log per follow-up. ``create()`` does per record what is the same for
the whole batch (default values, context switches, a cache entry per field, the
HTML sanitizer up to three times for a mail body): most of the job's time once
the rendering is compiled. The functions here do the ORM's work once per batch:
default values computed once per set of given keys, every value converted by its
own field (so an HTML body is sanitized once, by the field's own rules), one
INSERT per table, then the ORM's own bookkeeping (``modified()``, constraints,
access check).

They only do that where nothing else would have run: ``create_is_stock()``
tells whether a model's ``create()`` is only the code these functions reproduce.
Another module overriding it, or an automation rule patching it, and callers go
through ``create()`` instead. Tests compare the rows with those ``create()``
writes, column by column.
"""

from odoo.models import LOG_ACCESS_COLUMNS
from odoo.tools import SQL


def create_is_stock(model, known_modules):
    """Whether ``model.create()`` (and ``_create()``) run only the ORM's code
    and that of ``known_modules`` (Python module names)."""
    known = {"odoo.models", *known_modules}
    for cls in type(model).__mro__:
        for name in ("create", "_create", "_add_missing_default_values"):
            method = cls.__dict__.get(name)
            if method is not None and getattr(method, "__module__", None) not in known:
                return False
    return True


def with_defaults(model, values_list):
    """Each of ``values_list`` completed with the default values and the magic
    columns, as ``_prepare_create_values()`` does; the defaults are computed once
    per distinct set of keys instead of once per record."""
    defaults_by_keys = {}
    result = []
    now = model.env.cr.now()
    for values in values_list:
        keys = frozenset(values)
        if keys not in defaults_by_keys:
            full = model._add_missing_default_values(dict(values))
            defaults_by_keys[keys] = {
                name: value for name, value in full.items() if name not in keys
            }
        values = {**defaults_by_keys[keys], **values}
        if model._log_access:
            for name in LOG_ACCESS_COLUMNS:
                values.pop(name, None)
            values.update(
                create_uid=model.env.uid,
                create_date=now,
                write_uid=model.env.uid,
                write_date=now,
            )
        result.append(values)
    return result


def m2m_ids(value):
    """The ids a many2many create value links, or None for commands other than
    link (4) and set (6) (left to ``create()``)."""
    if not value:
        return []
    ids = []
    for item in value:
        if isinstance(item, int):
            ids.append(item)
        elif isinstance(item, (list, tuple)) and item and item[0] == 4:
            ids.append(item[1])
        elif isinstance(item, (list, tuple)) and item and item[0] == 6:
            ids.extend(item[2])
        else:
            return None
    return ids


def insertable(model, values_list):
    """Whether ``insert()`` can write these values (columns and many2many links
    only, on the model's own fields, and every stored computed field given, as
    ``insert()`` computes none)."""
    computed = [
        name
        for name, field in model._fields.items()
        if field.store and field.compute and not field.inherited
    ]
    for values in values_list:
        if any(name not in values for name in computed):
            return False
        for name, value in values.items():
            field = model._fields.get(name)
            if field is None or field.inherited or not field.store:
                return False
            if field.type == "many2many":
                if m2m_ids(value) is None:
                    return False
            elif field.type == "one2many":
                if value:
                    return False
            elif not field.column_type:
                return False
    return True


def insert(model, values_list, check_company=True):
    """INSERT the complete values (see ``with_defaults()``) of new records of
    ``model``, and link their many2many; then what ``_create()`` does after its
    INSERT: dependent fields marked to recompute, constraints, company and
    access checks.

    :param check_company: False when the caller took every company-dependent
        value from the same record, so that the check cannot fail
    :return: the new records, in the order of ``values_list``
    """
    if not values_list:
        return model.browse()
    cr = model.env.cr
    names = sorted({name for values in values_list for name in values})
    columns = [
        name
        for name in names
        if model._fields[name].store
        and model._fields[name].column_type
        and model._fields[name].type not in ("many2many", "one2many")
    ]
    links = [name for name in names if model._fields[name].type == "many2many"]
    rows = [
        tuple(
            model._fields[name].convert_to_column_insert(values[name], model, values)
            if name in values
            else SQL("DEFAULT")
            for name in columns
        )
        for values in values_list
    ]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) VALUES %s RETURNING id",
            SQL.identifier(model._table),
            SQL(", ").join(map(SQL.identifier, columns)),
            SQL(", ").join(rows),
        )
    )
    ids = [row[0] for row in cr.fetchall()]
    for name in links:
        field = model._fields[name]
        pairs = [
            (record_id, linked_id)
            for record_id, values in zip(ids, values_list, strict=True)
            for linked_id in dict.fromkeys(m2m_ids(values.get(name)) or [])
        ]
        if pairs:
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) VALUES %s ON CONFLICT DO NOTHING",
                    SQL.identifier(field.relation),
                    SQL.identifier(field.column1),
                    SQL.identifier(field.column2),
                    SQL(", ").join(pairs),
                )
            )
    records = model.browse(ids)
    records.modified(names, create=True)
    records._validate_fields(names)
    if check_company and model._check_company_auto:
        records._check_company()
    records.check_access("create")
    return records
