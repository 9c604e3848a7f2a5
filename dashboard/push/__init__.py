"""The push stream of new reports (`GET /events`, server-sent events).

Behind the async front (`dashboard.push.front`, what gunicorn's `asgi` workers serve) each open stream is a
coroutine on the worker's event loop, fed by one Redis reader per worker (`hub`), so open streams never hold the
threads that serve pages, callbacks, /healthz and the ingest API. Flask's own /events route (`dashboard.routes`)
streams from a thread, for servers without the front: the development server, dash.testing and Flask's test client.
Both admit a stream the same way (`admission`: the login guard, the account's area, its cap of open streams) and
write the same frames (`frames`), opening with the same read from Redis (`opening`), gzip'd when the browser accepts
it, each write readable as it arrives (`encoding`)."""
