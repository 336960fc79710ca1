/**
 * What a team would write by hand: csv-parse + customerio-node `batch()` of 1,000 identify operations,
 * one request at a time. Prints `{"rows","requests","ms","cpuMs","peakRssMb"}` as one JSON line. Run by
 * importer-targets.bench.ts against the emulator (CIO_TRACK_URL, site id `bench`, key `bench-key`).
 *
 *   CIO_TRACK_URL=http://127.0.0.1:4100 node --import tsx bench/importer-cio-batch.ts <file.csv>
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { TrackClient, type BatchOperation } from 'customerio-node';

const file = process.argv[2];
const url = process.env['CIO_TRACK_URL'];
if (!file || !url) throw new Error('usage: CIO_TRACK_URL=<url> importer-cio-batch.ts <file.csv>');
const client = new TrackClient('bench', 'bench-key', { url: `${url}/api/v1` });
const started = performance.now();
let rows = 0;
let requests = 0;
let batch: BatchOperation[] = [];
const send = async (): Promise<void> => {
  await client.batch(batch);
  requests += 1;
  batch = [];
};
for await (const record of createReadStream(file).pipe(parse({ columns: true })) as AsyncIterable<Record<string, string>>) {
  const { id, ...attributes } = record;
  for (const key of Object.keys(attributes)) if (attributes[key] === '') delete attributes[key];
  batch.push({ type: 'person', action: 'identify', identifiers: { id: id! }, attributes } as BatchOperation);
  rows += 1;
  if (batch.length === 1000) await send();
}
if (batch.length > 0) await send();
const cpu = process.cpuUsage();
console.log(JSON.stringify({ rows, requests, ms: Math.round(performance.now() - started), cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
