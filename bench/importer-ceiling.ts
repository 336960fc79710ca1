/**
 * The same-run ceiling of the importer benchmark: csv-parse + JSON.stringify alone, nothing sent. Reads
 * the file with csv-parse (header row → one object per row, as a people import builds), stringifies each
 * record, and prints `{"rows","ms","cpuMs","peakRssMb"}` as one JSON line. Run by importer-targets.bench.ts.
 *
 *   node --import tsx bench/importer-ceiling.ts <file.csv>
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const file = process.argv[2];
if (!file) throw new Error('usage: importer-ceiling.ts <file.csv>');
const started = performance.now();
let rows = 0;
let bytes = 0;
for await (const record of createReadStream(file).pipe(parse({ columns: true })) as AsyncIterable<Record<string, string>>) {
  rows += 1;
  bytes += JSON.stringify(record).length;
}
const cpu = process.cpuUsage();
console.log(JSON.stringify({ rows, bytes, ms: Math.round(performance.now() - started), cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
