/**
 * The admin API under `/__emulator/`: no auth, no rate limit, no faults.
 *
 * - `GET  health` → `{ "ok": true }`
 * - `GET  stats?workspace=` → the workspace's counters, settings and ledger sizes, plus `server` counters and,
 *   with a Pipelines port, its Pipelines counters under `pipelines`
 * - `GET  people/{identifier}?workspace=&by=` → the person, or 404 with `{ "state": … }`
 * - `GET  events?workspace=&person=&by=&anonymous_id=&name=&limit=` → `{ "events": […] }`
 * - `GET  deliveries/{delivery_id}?workspace=` → the metrics and unsubscribes reported about it, or 404
 * - `POST reset?workspace=` → forgets ledger and counters, Pipelines' too (of every workspace when none is named)
 * - `GET  config`, `POST config` with a {@link ConfigUpdate} body → the settings in force
 *
 * `workspace` defaults to the first workspace.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PersonIdentifierKind } from '../commands.js';
import { EmulatorOptionError } from '../errors.js';
import { writeAnswer } from '../http/answers.js';
import type { BodyResult } from '../http/body.js';
import { readBody } from '../http/body.js';
import { emulatorStats, resetEmulator } from '../emulatorStats.js';
import type { PipelinesState } from '../pipelines/pipelinesState.js';
import type { EmulatorState } from '../state.js';

const CONFIG_BODY_BYTES = 64 * 1024;
const IDENTIFIER_KINDS = new Set<string>(['id', 'email', 'phone', 'cio_id']);

function json(response: ServerResponse, status: number, value: unknown): void {
  writeAnswer(response, { status, body: JSON.stringify(value) });
}

/** Serves one admin request; `path` is what follows `/__emulator/`. */
export async function handleAdmin(state: EmulatorState, pipelines: PipelinesState | undefined, request: IncomingMessage, response: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
  const method = request.method ?? 'GET';
  try {
    const siteId = query.get('workspace') ?? undefined;
    if (path === 'health' && method === 'GET') return json(response, 200, { ok: true });
    if (path === 'stats' && method === 'GET') return json(response, 200, emulatorStats(state, pipelines, siteId));
    if (path.startsWith('people/') && method === 'GET') {
      const found = state.requireWorkspace(siteId).ledger.person(decodeURIComponent(path.slice(7)), identifierKind(query));
      return json(response, found.state === 'active' ? 200 : 404, found);
    }
    if (path.startsWith('deliveries/') && method === 'GET') {
      const found = state.requireWorkspace(siteId).ledger.delivery(decodeURIComponent(path.slice(11)));
      return found === undefined ? json(response, 404, { error: 'nothing was reported about this delivery' }) : json(response, 200, found);
    }
    if (path === 'events' && method === 'GET') {
      const limit = query.get('limit');
      const events = state.requireWorkspace(siteId).ledger.events({
        ...optional('person', query.get('person')),
        ...optional('by', identifierKind(query)),
        ...optional('anonymousId', query.get('anonymous_id')),
        ...optional('name', query.get('name')),
        ...optional('limit', limit === null ? undefined : checkLimit(limit)),
      });
      return json(response, 200, { events });
    }
    if (path === 'reset' && method === 'POST') {
      resetEmulator(state, pipelines, siteId);
      return json(response, 200, { reset: siteId ?? 'all' });
    }
    if (path === 'config' && method === 'GET') return json(response, 200, state.config());
    if (path === 'config' && method === 'POST') {
      const read = await new Promise<BodyResult>((resolve) => readBody(request, CONFIG_BODY_BYTES, resolve));
      if (read.kind !== 'ok') return json(response, 413, { error: `config body must be at most ${CONFIG_BODY_BYTES} bytes` });
      let update: unknown;
      try {
        update = JSON.parse(read.body.toString('utf8') || '{}');
      } catch {
        return json(response, 400, { error: 'config body is not valid JSON' });
      }
      if (typeof update !== 'object' || update === null || Array.isArray(update)) return json(response, 400, { error: 'config body must be a JSON object' });
      const workspace = siteId === undefined ? {} : { workspace: siteId };
      return json(response, 200, state.configure({ ...update, ...workspace }));
    }
    return json(response, 404, { error: `no admin route for ${method} /__emulator/${path}` });
  } catch (error) {
    if (error instanceof EmulatorOptionError || error instanceof URIError) return json(response, 400, { error: error.message });
    throw error;
  }
}

function optional<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return value === null || value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

function identifierKind(query: URLSearchParams): PersonIdentifierKind | undefined {
  const by = query.get('by');
  if (by === null) return undefined;
  if (!IDENTIFIER_KINDS.has(by)) throw new EmulatorOptionError('by', 'one of id, email, phone, cio_id', by);
  return by as PersonIdentifierKind;
}

function checkLimit(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1) throw new EmulatorOptionError('limit', 'an integer ≥ 1', text);
  return limit;
}
