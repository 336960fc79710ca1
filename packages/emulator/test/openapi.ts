/**
 * The official Track API OpenAPI document (docs/reference/customerio-track-openapi.json), and a
 * check that an answer is one the document declares: its status is listed for the operation, and
 * its body matches the response schema when the document gives one (validated with Ajv, JSON
 * Schema 2020-12 as OpenAPI 3.1 uses).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

// a copy kept in the repository (docs/reference/), so a clone tests against the document by itself
const DOCUMENT = fileURLToPath(new URL('../../../docs/reference/customerio-track-openapi.json', import.meta.url));

interface Operation {
  readonly operationId: string;
  readonly responses: Record<string, { readonly content?: Record<string, { readonly schema?: unknown }> }>;
}

/** The document, parsed. */
export const TRACK_OPENAPI = JSON.parse(readFileSync(DOCUMENT, 'utf8')) as { paths: Record<string, Record<string, Operation>> };

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(TRACK_OPENAPI, 'track');

/** Every operation of the document as `METHOD /path` with its operationId. */
export function trackOperations(): { readonly method: string; readonly path: string; readonly operationId: string }[] {
  return Object.entries(TRACK_OPENAPI.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, operation]) => typeof operation === 'object' && operation !== null && 'operationId' in operation)
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, operationId: operation.operationId })),
  );
}

const pointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Asserts that `status` is declared for `METHOD path` (a path template as in the document) and that
 * `body` matches that response's JSON schema, if it has one.
 */
export function expectDeclaredAnswer(method: string, path: string, status: number, body: unknown): void {
  const operation = TRACK_OPENAPI.paths[path]?.[method.toLowerCase()];
  if (operation === undefined) throw new Error(`the OpenAPI document has no ${method} ${path}`);
  expect(Object.keys(operation.responses), `statuses the document declares for ${method} ${path}`).toContain(String(status));
  const schema = operation.responses[String(status)]?.content?.['application/json']?.schema;
  if (schema === undefined) return;
  const ref = `track#/paths/${pointer(path)}/${method.toLowerCase()}/responses/${status}/content/${pointer('application/json')}/schema`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  const valid = validate(body);
  expect(valid, `${method} ${path} ${status} body ${JSON.stringify(body)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}
