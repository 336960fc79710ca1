/**
 * kustomize's name-suffix hash of a generated ConfigMap (api/hasher/hasher.go, kustomize v5.5.0 as
 * built into kubectl 1.32): the JSON of `{"data":…,"kind":"ConfigMap","name":…}` as Go encodes it
 * (keys sorted), sha256, hex, the first 10 characters with 0→g 1→h 3→k a→m e→t so the suffix never
 * reads as a number or an exponent.
 */
import { createHash } from 'node:crypto';
import { isObject } from './types.js';

/** The suffix kustomize appends (after a `-`) to a generated ConfigMap with this `data`. */
export function configMapHashSuffix(data: Readonly<Record<string, string>> | undefined): string {
  // The hasher reads the name with yaml.Lookup("metadata/name"), which looks for one field literally
  // named "metadata/name" and finds none, so "name" is always "" — hashes computed with the real
  // name do not match kubectl's output; this one does (test/kustomize/hash.test.ts). A ConfigMap
  // without `data` is hashed with "data" as "" for the same reason. binaryData is never generated
  // here (env files and literals are UTF-8), so it is never part of the JSON.
  return encodeSuffix(sha256Hex(goJson({ data: data ?? '', kind: 'ConfigMap', name: '' })));
}

function encodeSuffix(hex: string): string {
  const replacements: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((character) => replacements[character] ?? character).join('');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * JSON as Go's encoding/json writes it: map keys sorted, and `<`, `>`, `&`, U+2028 and U+2029
 * escaped as \u00XX (Go's HTML-safe default), which JSON.stringify leaves as they are. Both escape
 * control characters alike (Go ≥ 1.22 writes \b and \f short, as JavaScript does).
 */
export function goJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${goJson(key)}:${goJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
