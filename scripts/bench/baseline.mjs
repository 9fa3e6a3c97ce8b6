// The benchmark's baseline: a bare express 5 app that parses the same JSON body as the service's
// webhook route and inserts one event row per request into SQLite (WAL, synchronous=NORMAL, a
// commit per request, no signature, no inbox, no projections). Started by run.mjs.
import { randomUUID } from 'node:crypto';
import process from 'node:process';
import Database from 'better-sqlite3';
import express from 'express';

const port = Number(process.env.PORT);
const db = new Database(process.env.BASELINE_DB);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  data TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  source TEXT,
  UNIQUE (stream_id, stream_version)
) STRICT`);
const insert = db.prepare(`INSERT INTO events
  (event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor, source)
  VALUES (?, ?, 1, ?, 1, ?, ?, ?, ?, ?)`);

const app = express();
app.post(
  '/webhooks/:integrationId',
  express.raw({ type: 'application/json', limit: '1mb' }),
  (req, res) => {
    let body;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      res.status(400).json({ title: 'malformed-json' });
      return;
    }
    const { type, timestamp, data } = body;
    const info = insert.run(
      randomUUID(),
      `product-${data.productId}`,
      type,
      JSON.stringify(data),
      timestamp,
      new Date().toISOString(),
      `integration:${req.params.integrationId}`,
      `webhook:${req.get('webhook-id')}`,
    );
    res.json({ position: Number(info.lastInsertRowid) });
  },
);
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});
const server = app.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => {
    db.close();
    process.exit(0);
  });
});
