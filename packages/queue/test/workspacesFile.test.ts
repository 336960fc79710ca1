import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWorkspaces } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cioscale-workspaces-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('loadWorkspaces (CIO_WORKSPACES_FILE), as every tool reads it', () => {
  it('names the file and the entry at fault', () => {
    const path = file('bad-entry.json', JSON.stringify({ workspaces: [{ name: 'a' }, { name: 'b', shards: 0 }] }));
    expect(() => loadWorkspaces(path)).toThrow(`CIO_WORKSPACES_FILE (${path}): workspaces[1].shards`);
  });

  it('names the file when it is not JSON or cannot be read', () => {
    const notJson = file('not-json.json', '{ workspaces: ');
    expect(() => loadWorkspaces(notJson)).toThrow(/CIO_WORKSPACES_FILE must be a readable JSON file \(.*not-json\.json\)/);
    expect(() => loadWorkspaces(join(dir, 'missing.json'))).toThrow(/CIO_WORKSPACES_FILE .*missing\.json/);
  });

  it('reads a good file', () => {
    const path = file('good.json', JSON.stringify({ workspaces: [{ name: 'us1', shards: 2 }, { name: 'eu1', region: 'eu' }] }));
    expect(loadWorkspaces(path).map(({ name, shards }) => [name, shards])).toEqual([['us1', 2], ['eu1', 1]]);
  });
});
