"""`orggraph serve`: the API and the browser views on one port (loopback only unless API keys are set)."""

from __future__ import annotations

import logging
import sys

import click

from orggraph.errors import StoreError
from orggraph.stores.embedded import EmbeddedStore
from orggraph_cli.app import StoreHandle, cli


def run_server(store_uri: str | None, host: str = "127.0.0.1", port: int = 8000, *,
               log_level: str = "info", allowed_hosts: tuple[str, ...] = ()) -> None:
    """Serve until interrupted. Raises SettingsError for a setting that cannot be used (keys, host)."""
    # Lazy: the server and the app are only loaded when serving (the demo's --serve calls this too).
    import uvicorn

    from api.app import create_app
    from api.settings import Settings, check_bind

    # Host names accepted: loopback, ORGGRAPH_ALLOWED_HOSTS, --allowed-host and the address served on.
    settings = Settings.from_env(store_uri).with_hosts(list(allowed_hosts)).with_bind_host(host)
    check_bind(settings, host)
    app = create_app(settings)
    store = app.state.store
    if isinstance(store, EmbeddedStore) and not store.exists():
        # Loading over HTTP may create it; until then /ready says 503 and questions have nothing to ask.
        click.echo(f"orggraph: note: no store at {store.path} yet; /ready answers 503 until files are loaded",
                   err=True)
    else:
        store.ping()
    click.echo(f"orggraph: serving on http://{host}:{port}/  (API docs at /docs; Ctrl-C to stop)", err=True)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # uvicorn's own access log prints raw URLs (ids, search text): ours logs route templates instead.
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (anything but loopback needs API keys).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Also answer requests for this host name (repeatable; default loopback names only; "
                   "or ORGGRAPH_ALLOWED_HOSTS=a,b).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, allowed_hosts: tuple[str, ...]) -> None:
    """Serve the HTTP API (/docs) and the browser views on http://HOST:PORT/.

    API keys: ORGGRAPH_API_KEYS="key:role[:name],..." or ORGGRAPH_API_KEYS_FILE (one key:role[:name]
    a line), roles reader, auditor, admin. Without keys everyone is a reader and only loopback is allowed.
    """
    # Lazy: the API (FastAPI, uvicorn, jinja2) is only needed when serving.
    from api.settings import SettingsError

    handle = ctx.find_object(StoreHandle)
    uri = handle.uri if handle else None
    try:
        run_server(uri, host, port, allowed_hosts=allowed_hosts)
    except (SettingsError, StoreError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
