/**
 * The PostgreSQL source alone, for pg-source.bench.ts: `openPostgres` drained (the server-side cursor,
 * pg's row parsing and this project's type mapping into cells), the same in a worker thread (`thread`, what
 * `--parse-thread` runs), then the same with the row mapper, so the
 * bench can say how much of an import's time the source itself takes. Prints one JSON line.
 *
 *   node --conditions=source --import tsx bench/pg-source-read.ts <url> <table> [read|thread|map]
 */
import { createRowMapper } from '../apps/importer/src/rowMapper.js';
import { DEFAULT_MAPPING } from '../apps/importer/src/mapping.js';
import { openPostgres } from '../apps/importer/src/pgSource.js';
import { openPostgresInThread } from '../apps/importer/src/pgThread.js';

const [url = '', table = '', mode = 'read'] = process.argv.slice(2);
const started = performance.now();
const source = await (mode === 'thread' ? openPostgresInThread : openPostgres)({ url, table, cursor: 'updated_at', key: 'id' });
const mapper = mode === 'map' ? createRowMapper(source.header, DEFAULT_MAPPING, 'id', { cells: 'json' }) : undefined;
let rows = 0;
let problems = 0;
for await (const chunk of source.chunks) {
  rows += chunk.length;
  if (mapper) for (const row of chunk) if ('reason' in mapper(row.cells)) problems += 1;
  source.positionAt(rows);
}
await source.end();
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ mode, rows, problems, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
