"""gunicorn's settings for `make serve` (docs/operations.md), read from the environment.

    gunicorn -c python:homegroup.gunicorn_conf homegroup.wsgi

HOST (127.0.0.1) and PORT (8000): where to listen; behind a TLS proxy on another host, HOST=0.0.0.0.
WEB_CONCURRENCY: worker processes (default: one per core). GUNICORN_THREADS: threads per worker
(default 2; 1 makes it a sync worker). GUNICORN_TIMEOUT: seconds before a stuck worker is replaced.
"""

from __future__ import annotations

import os

from homegroup.lib.env import env_int, env_str

_cores = os.cpu_count() or 1

bind = f"{env_str('HOST', '127.0.0.1')}:{env_int('PORT', 8000, minimum=1)}"
# One process per core, two threads each: a check-in waits on PostgreSQL about as long as it
# computes, so a second thread keeps the core busy meanwhile; threaded workers also keep HTTP
# connections alive. Measured with check-in PUTs (docs/operations.md, "Why gunicorn"): 2 × 2
# threaded workers used about a third less CPU per check-in than 4 or 2 sync workers.
workers = env_int("WEB_CONCURRENCY", _cores, minimum=1)
threads = env_int("GUNICORN_THREADS", 2, minimum=1)
worker_class = "gthread" if threads > 1 else "sync"

# Import Django once in the master, then fork: workers start in milliseconds and share the
# code's memory. Safe because nothing opens a database connection at import time.
preload_app = True

timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
# SIGTERM: stop accepting, let requests in flight finish (up to this long), then exit.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = 5

# Django's AccessLogMiddleware writes the access log without personal data; gunicorn's own
# would print the path, query string, client address and user agent.
accesslog = None
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")
# The proxy in front terminates TLS and says so in X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER);
# gunicorn trusts it only from these addresses.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "homegroup"
# gunicorn's runtime control socket lives at one path per user ($HOME/.gunicorn/gunicorn.ctl):
# a second server on the machine would take it over. Signals (TERM, HUP, TTIN/TTOU) do the job.
control_socket_disable = True
