/**
 * `POST /api/v1/forms/{form_id}/submit`: `{data: {email | id, …form fields}}`. The schema requires
 * `data` with `email` or `id` (a string, or null) and types every other field as a string. The
 * respondent is identified like an identify call, with the fields as attributes; `form_id`,
 * `form_name`, `form_type`, `form_url` and `form_url_param` are reserved and ignored.
 */
import type { FormSubmitCommand } from '../commands.js';
import type { Problem } from './common.js';
import { checkAttributes, identifierText, isProblem, isRecord, problem } from './common.js';

const RESERVED = new Set(['form_id', 'form_name', 'form_type', 'form_url', 'form_url_param']);

/** Parses a form submission, or says what is wrong with it. */
export function parseFormSubmit(formId: string, body: unknown): FormSubmitCommand | Problem {
  if (formId === '') return problem('required', 'form_id', 'form_id is required');
  if (!isRecord(body) || !isRecord(body['data'])) return problem('required', 'data', 'data must be an object of form fields');
  const data = body['data'];
  const attributes: Record<string, unknown> = {};
  for (const name in data) {
    if (RESERVED.has(name)) continue;
    const value = data[name];
    if (typeof value !== 'string' && !(value === null && (name === 'id' || name === 'email'))) {
      return problem('invalid', `data.${name}`, `data.${name} must be a string; received ${JSON.stringify(value)}`);
    }
    if (value !== null) attributes[name] = value;
  }
  // "The data object must contain at least one of id or email"; id wins when both are there, and the
  // email then follows the identify rules (it joins the person, or finds the one who has it).
  const kind = typeof attributes['id'] === 'string' ? 'id' : typeof attributes['email'] === 'string' ? 'email' : undefined;
  if (kind === undefined) return problem('required', 'data', 'data must contain an id or an email to identify the respondent');
  const value = identifierText(attributes[kind], `data.${kind}`);
  if (isProblem(value)) return value;
  const checked = checkAttributes(attributes, 'data');
  if (isProblem(checked)) return checked;
  return { action: 'form_submit', formId, person: { kind, value }, attributes };
}
