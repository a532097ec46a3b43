"""Reads sent to PostgreSQL in one write, and their rows read back at once.

psycopg's pipeline mode (Connection.pipeline()) sends each statement as it
is executed, flushing the socket after each: Today's eleven reads were eleven
writes, twenty-two polls and eleven wake-ups of the server process, each
waking it to read one statement. Their cost was the client's and the
server's, not the network's: 300–400 µs of the client's CPU and 130–170 of
the server's for eleven one-row reads on an idle machine, against 45–65 and
50–80 when the statements, each a Bind and an Execute of a statement prepared
once on the connection, go in one write followed by one Sync (the same
libpq pipeline, through psycopg's public libpq wrapper, psycopg.pq).

Parameters are dumped and rows loaded by psycopg's own adapters, from the
cursor Django would have read with (its time zone's loaders): the same Python
values as that cursor's fetchall(). Statements are prepared once per
connection and kind of parameters, as psycopg prepares a statement it runs
often (none where the connection prepares none). An error raises psycopg's
exception for its SQLSTATE once every result is read, leaving the connection
as it found it.
"""

from __future__ import annotations

import re
import select
from weakref import WeakKeyDictionary

from psycopg import Connection, errors, pq
from psycopg.adapt import PyFormat, Transformer

# Django's placeholders: %s, %(name)s, and %% for a percent sign.
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%%")


class _Prepared:
    """The statements prepared on one connection, by SQL and parameter types."""

    def __init__(self):
        self.names: dict[tuple, bytes] = {}
        self.count = 0

    def new_name(self) -> bytes:
        # Never reused, even for a statement whose preparing failed: its
        # name may be taken on the server all the same.
        self.count += 1
        return b"titrate_%d" % self.count


_prepared: WeakKeyDictionary[Connection, _Prepared] = WeakKeyDictionary()


def numbered(sql: str, params: tuple | list | dict) -> tuple[str, list]:
    """The SQL with $1, $2… where Django's placeholders were, and the
    parameters in that order."""
    values: list = []
    names: dict[str, int] = {}

    def number(match: re.Match) -> str:
        text = match.group(0)
        if text == "%%":
            return "%"
        name = match.group(1)
        if name is None:
            values.append(params[len(values)])
            return f"${len(values)}"
        if name not in names:
            values.append(params[name])
            names[name] = len(values)
        return f"${names[name]}"

    query = PLACEHOLDER.sub(number, sql)
    if not isinstance(params, dict) and len(values) != len(params):
        raise TypeError("the SQL does not hold a placeholder for each parameter")
    return query, values


def read_together(cursor, reads: list[tuple[str, tuple | dict]]) -> list[list[tuple]]:
    """Each read's rows, the reads sent in one write. `cursor` is a psycopg
    cursor of the connection, whose adapters dump and load the values. Only
    outside a transaction (autocommit): there a failed read ends nothing but
    its own pipeline."""
    connection = cursor.connection
    idle = connection.pgconn.transaction_status == pq.TransactionStatus.IDLE
    if not (connection.autocommit and idle):
        raise ValueError("read_together() reads outside a transaction only")
    try:
        return _read(cursor, reads)
    except errors.InvalidSqlStatementName:
        # The server forgot the connection's statements: psycopg deallocates
        # every prepared statement after a ROLLBACK (a savepoint's too), a
        # DROP or an ALTER, and a pooler may DISCARD ALL. Prepared again.
        _prepared.pop(connection, None)
        return _read(cursor, reads)


def _read(cursor, reads: list[tuple[str, tuple | dict]]) -> list[list[tuple]]:
    connection = cursor.connection
    pgconn = connection.pgconn
    prepared = _prepared.get(connection)
    if prepared is None:
        prepared = _prepared[connection] = _Prepared()
    encoding = connection.info.encoding
    transformer = Transformer(cursor)
    # Each read's statement and dumped parameters, before anything is sent:
    # a value that cannot be dumped leaves the connection untouched.
    statements = []
    for sql, params in reads:
        query, values = numbered(sql, params)
        dumped = transformer.dump_sequence(values, [PyFormat.AUTO] * len(values))
        types, formats = tuple(transformer.types), list(transformer.formats)
        statements.append(((query, types), dumped, formats))
    # For each read: the key and name of a statement prepared with it, if any.
    preparing: list[tuple[tuple, bytes] | None] = []
    # Behind a pooler that cannot keep prepared statements the connection
    # prepares none (DATABASE_PREPARED_STATEMENTS=false): each read is then
    # parsed and planned as it is sent, as psycopg sends it. Should sending or
    # reading fail, the connection is broken and Django closes it on the
    # error; its pipeline mode is left only once every result is read.
    keep = connection.prepare_threshold is not None
    pgconn.enter_pipeline_mode()
    for key, dumped, formats in statements:
        if not keep:
            pgconn.send_query_params(
                key[0].encode(encoding),
                dumped,
                param_types=key[1],
                param_formats=formats,
            )
            preparing.append(None)
            continue
        name = prepared.names.get(key)
        if name is None:
            name = prepared.new_name()
            pgconn.send_prepare(name, key[0].encode(encoding), param_types=key[1])
            preparing.append((key, name))
        else:
            preparing.append(None)
        pgconn.send_query_prepared(name, dumped, param_formats=formats)
    pgconn.pipeline_sync()
    results = _results(pgconn)
    pgconn.exit_pipeline_mode()
    found = []
    failed = None
    results.reverse()
    for made in preparing:
        if made is not None:
            result = results.pop()
            if result.status == pq.ExecStatus.COMMAND_OK:
                prepared.names[made[0]] = made[1]
            failed = failed or _failure(result, encoding)
        result = results.pop()
        failed = failed or _failure(result, encoding)
        if failed is None:
            transformer.set_pgresult(result)
            found.append(transformer.load_rows(0, result.ntuples, tuple))
    if failed is not None:
        raise failed
    return found


def _failure(result: pq.abc.PGresult, encoding: str) -> errors.Error | None:
    status = result.status
    if status in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
        return None
    if status == pq.ExecStatus.PIPELINE_ABORTED:
        return errors.PipelineAborted("pipeline aborted")
    code = (result.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
    message = (result.error_message or b"").decode(encoding, "replace").strip()
    try:
        error_class = errors.lookup(code)
    except KeyError:
        error_class = errors.DatabaseError
    return error_class(message)


def _results(pgconn: pq.abc.PGconn) -> list[pq.abc.PGresult]:
    """Every result up to the pipeline's Sync, the statements flushed first:
    one result a statement (a query's rows, a prepare's completion, an error,
    or the mark of a statement skipped after an error)."""
    # poll() rather than a selector: an epoll selector would open, register
    # and close a descriptor of its own on every request.
    poller = select.poll()
    socket = pgconn.socket
    poller.register(socket, select.POLLOUT)
    while pgconn.flush():  # 1 while some of the statements wait to be sent
        poller.poll()
        pgconn.consume_input()  # the server may answer while we write
    poller.modify(socket, select.POLLIN)
    results = []
    while True:
        if pgconn.is_busy():
            poller.poll()
            pgconn.consume_input()
            continue
        result = pgconn.get_result()
        if result is None:
            continue  # the end of one statement's results
        if result.status == pq.ExecStatus.PIPELINE_SYNC:
            return results
        results.append(result)
