"""`whodid serve`: a JSON API and server-rendered web pages over a store (docs/serve.md).

    reader.py     the store opened for serving: per-thread cursors, query time limit, cache
    index.py      the server's index of the store in numpy arrays (integer keys), rebuilt on writes
    pagerows.py   what a page shows of each event, held in memory for the index's pages
    indexed.py    pages of events and dyads answered from the index, the same as the store's
    fastpath.py   plain page requests of events and dyads answered ahead of FastAPI's routes
    memory.py     allocator settings and releases that keep the server's memory steady
    data.py       the questions the API and the pages ask (paging, sorting, timeline, network)
    evidence.py   an event's text with its highlighted spans, and the why of each field
    downloads.py  any event or dyad result as CSV, JSONL or Parquet
    app.py        the FastAPI application: settings, optional table views, errors as JSON
    safety.py     the request body limit and the token that writing needs
    writing.py    POSTed documents coded and stored
    api.py        the /api/ routes;  pages.py  the HTML pages;  command.py  the CLI verb
"""
