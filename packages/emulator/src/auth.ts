/**
 * HTTP Basic authentication of Track API requests: base64 of `siteId:apiKey`, as Customer.io's
 * Track API uses.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Workspace } from './workspace.js';

/** Finds the workspace a request's `Authorization` header names, if its key is right. */
export class Authenticator {
  readonly #bySiteId: ReadonlyMap<string, Workspace>;
  // Clients send the same header on every request; remembering the accepted ones skips the
  // base64 decode and comparison on the hot path. Only accepted headers are kept, so it stays as
  // small as the workspace list.
  readonly #accepted = new Map<string, Workspace>();

  constructor(workspaces: Iterable<Workspace>) {
    this.#bySiteId = new Map([...workspaces].map((workspace) => [workspace.siteId, workspace]));
  }

  /** The workspace of a valid `Authorization: Basic …` header; undefined when missing or wrong. */
  authenticate(header: string | undefined): Workspace | undefined {
    if (header === undefined) return undefined;
    const known = this.#accepted.get(header);
    if (known !== undefined) return known;
    const workspace = this.#check(header);
    if (workspace !== undefined) this.#accepted.set(header, workspace);
    return workspace;
  }

  #check(header: string): Workspace | undefined {
    const space = header.indexOf(' ');
    if (space < 0 || header.slice(0, space).toLowerCase() !== 'basic') return undefined;
    const decoded = Buffer.from(header.slice(space + 1).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const workspace = this.#bySiteId.get(decoded.slice(0, colon));
    if (workspace === undefined) return undefined;
    const given = Buffer.from(decoded.slice(colon + 1), 'utf8');
    const expected = Buffer.from(workspace.apiKey, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected) ? workspace : undefined;
  }
}
