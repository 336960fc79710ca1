/**
 * `POST /api/v1/segments/{segment_id}/add_customers` · `/remove_customers`: `{ids: [...]}` with
 * 1–1000 strings (`minItems: 1`, `maxItems: 1000`), read as the kind `?id_type=` names (`id`, `email`
 * or `cio_id`; `id` when absent). `segment_id` is an integer (`format: int32`).
 */
import type { PersonIdentifierKind, PersonRef, SegmentCommand } from '../commands.js';
import { TRACK_LIMITS } from '../limits.js';
import type { Problem } from './common.js';
import { identifierText, isProblem, isRecord, problem } from './common.js';

const ID_TYPES: ReadonlySet<string> = new Set(['id', 'email', 'cio_id']);
const INT32_MAX = 2 ** 31 - 1;

/** Parses a manual-segment call, or says what is wrong with it. */
export function parseSegmentCall(action: SegmentCommand['action'], rawSegmentId: string, idType: string | null, body: unknown): SegmentCommand | Problem {
  const segmentId = Number(rawSegmentId);
  if (!/^\d+$/.test(rawSegmentId) || segmentId > INT32_MAX) return problem('invalid', 'segment_id', `segment_id must be an integer; received ${JSON.stringify(rawSegmentId)}`);
  const kind = idType ?? 'id';
  if (!ID_TYPES.has(kind)) return problem('invalid', 'id_type', `id_type must be one of id, email, cio_id; received ${JSON.stringify(kind)}`);
  if (!isRecord(body) || !Array.isArray(body['ids'])) return problem('required', 'ids', 'ids must be an array of identifiers');
  const ids = body['ids'];
  if (ids.length === 0) return problem('required', 'ids', 'ids must hold at least one identifier');
  if (ids.length > TRACK_LIMITS.segmentIdsPerCall) {
    return problem('too_many', 'ids', `ids has ${ids.length} identifiers; at most ${TRACK_LIMITS.segmentIdsPerCall} are allowed per request`);
  }
  const people: PersonRef[] = [];
  for (let index = 0; index < ids.length; index++) {
    const text = identifierText(ids[index], `ids[${index}]`, 'strings only');
    if (isProblem(text)) return text;
    people.push({ kind: kind as PersonIdentifierKind, value: kind === 'cio_id' ? text.replace(/^cio_/, '') : text });
  }
  return { action, segmentId, people };
}
