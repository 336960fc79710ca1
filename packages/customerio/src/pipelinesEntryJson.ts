import { utf8Bytes, type Envelope, type Rejection } from '@cioscale/core';
import { isUnmappable, toPipelinesEntry } from './toPipelinesEntry.js';

/**
 * Customer.io's documented Pipelines limits (docs/pipelines-api.md "Limits"); a kilobyte is 1,024
 * bytes, as the vendor's analytics client counts it.
 */
export const PIPELINES_LIMITS = {
  /** One `/v1/batch` entry, as JSON text. */
  entryBytes: 32 * 1024,
  /** One `/v1/batch` request body. */
  batchBytes: 500 * 1024,
} as const;

/**
 * One envelope as the JSON text of its `/v1/batch` entry, or the local refusal that keeps it from being sent:
 * no Pipelines equivalent (`pipelines_unsupported`) or an entry over 32 KB (`entry_too_large`).
 *
 * The one place that decides what Pipelines refuses before a request: the transport sends what it gives and
 * reports the refusals by `batch_index`, and the importer's `--dry-run` reports the same refusals by row.
 */
export function pipelinesEntryJson(envelope: Envelope): { readonly json: string } | { readonly refusal: Rejection } {
  const entry = toPipelinesEntry(envelope);
  if (isUnmappable(entry)) return { refusal: { reason: entry.reason, field: entry.field, message: entry.message, origin: 'local' } };
  const json = JSON.stringify(entry);
  const bytes = utf8Bytes(json);
  if (bytes > PIPELINES_LIMITS.entryBytes) {
    return { refusal: { reason: 'entry_too_large', field: 'operation', origin: 'local', message: `the Pipelines entry is ${bytes} bytes; an entry may be at most ${PIPELINES_LIMITS.entryBytes} (not sent)` } };
  }
  return { json };
}

/** Why the Pipelines transport would refuse `envelope` without sending it, or undefined when it would send it. */
export function pipelinesRefusal(envelope: Envelope): Rejection | undefined {
  const mapped = pipelinesEntryJson(envelope);
  return 'refusal' in mapped ? mapped.refusal : undefined;
}
