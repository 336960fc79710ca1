import { timingSafeEqual } from 'node:crypto';
import type { AcceptedWorkspace } from './config.js';

/**
 * Matches a request's `Authorization: Basic base64(site_id:api_key)` against the configured workspaces, as
 * Customer.io's Track API does. Nothing else gets in: the gateway is never an open relay.
 */
export class Authenticator {
  private readonly bySiteId: ReadonlyMap<string, AcceptedWorkspace>;
  // SDKs send the same header on every call: remembering the accepted ones skips the decode and the
  // comparison on the hot path; only accepted headers are kept, so it is as small as the workspace list
  private readonly accepted = new Map<string, AcceptedWorkspace>();

  constructor(workspaces: readonly AcceptedWorkspace[]) {
    this.bySiteId = new Map(workspaces.map((workspace) => [workspace.siteId, workspace]));
  }

  /** The workspace of a valid header; undefined when it is missing or wrong. */
  authenticate(header: string | undefined): AcceptedWorkspace | undefined {
    if (header === undefined) return undefined;
    const known = this.accepted.get(header);
    if (known) return known;
    const workspace = this.check(header);
    if (workspace) this.accepted.set(header, workspace);
    return workspace;
  }

  private check(header: string): AcceptedWorkspace | undefined {
    const space = header.indexOf(' ');
    if (space < 0 || header.slice(0, space).toLowerCase() !== 'basic') return undefined;
    const decoded = Buffer.from(header.slice(space + 1).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const workspace = this.bySiteId.get(decoded.slice(0, colon));
    if (!workspace) return undefined;
    const given = Buffer.from(decoded.slice(colon + 1), 'utf8');
    const expected = Buffer.from(workspace.apiKey, 'utf8');
    // constant time: a caller cannot learn the key a byte at a time from how fast it is refused
    return given.length === expected.length && timingSafeEqual(given, expected) ? workspace : undefined;
  }
}
