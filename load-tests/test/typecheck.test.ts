import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));

/** Type-checks the k6 scripts with their own tsconfig (k6's types, no Node); `extra` adds files. */
function diagnostics(extra: Record<string, string> = {}): string[] {
  const configPath = `${here}tsconfig.json`;
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, here, undefined, configPath);
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (path) => extra[path] ?? readFile(path);
  host.fileExists = (path) => path in extra || ts.sys.fileExists(path);
  const program = ts.createProgram({ rootNames: [...parsed.fileNames, ...Object.keys(extra)], options: parsed.options, host });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('the k6 scripts type-check against @types/k6', () => {
  it('with no error', () => {
    expect(diagnostics()).toEqual([]);
  }, 60_000);

  it('and without Node, so a Node API that k6 lacks fails the check instead of the run', () => {
    const probe = `${here}node-api-probe.ts`;
    expect(diagnostics({ [probe]: "export const size = Buffer.byteLength('x');\n" }).join('\n')).toMatch(/Cannot find name 'Buffer'/);
  }, 60_000);
});
