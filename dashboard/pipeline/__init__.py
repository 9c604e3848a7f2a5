"""The stream from the phones to the screens: event contracts (`events`), the Redis stream (`streams`), the
consumers that store events in batches (`consumer`, `store`), the wall's live state (`live`) and the rollups the
drill-down pages read (`rollups`). Data flows one way: ingest → stream → consumer → database and live state."""
