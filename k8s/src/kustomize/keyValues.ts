/**
 * The key/value sources of a configMapGenerator, parsed as kustomize's api/kv does.
 */
import { KustomizeError } from './errors.js';

/** A Kubernetes environment variable name (IsEnvVarName), which kustomize demands in env files. */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The pairs of an env file: one `KEY=value` a line, split at the first `=`, the value kept verbatim
 * (no quote removal, no trimming at the end); leading whitespace, blank lines and `#` comments are
 * skipped; a line without `=` gives an empty value.
 */
export function envFilePairs(text: string, file: string): [string, string][] {
  const pairs: [string, string][] = [];
  text.split('\n').forEach((rawLine, index) => {
    // Go's line scanner drops a trailing \r, and kustomize trims a BOM from the first line only.
    const line = (index === 0 ? rawLine.replace(/^\uFEFF/, '') : rawLine).replace(/\r$/, '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const equals = line.indexOf('=');
    const key = equals < 0 ? line : line.slice(0, equals);
    if (!ENV_VAR_NAME.test(key)) throw new KustomizeError(`${file}: line ${index + 1}: ${JSON.stringify(key)} is not a valid environment variable name`);
    pairs.push([key, equals < 0 ? '' : line.slice(equals + 1)]);
  });
  return pairs;
}

/** A `KEY=value` literal; the value loses one pair of surrounding quotes, as in kustomize. */
export function literalPair(source: string, file: string): [string, string] {
  const equals = source.indexOf('=');
  if (equals <= 0) throw new KustomizeError(`${file}: invalid literal source ${JSON.stringify(source)}, expected key=value`);
  const value = source.slice(equals + 1);
  const quoted = value.length >= 2 && value[0] === value[value.length - 1] && (value[0] === '"' || value[0] === "'");
  return [source.slice(0, equals), quoted ? value.slice(1, -1) : value];
}
