import { HeaderError } from './errors.js';

// C0 controls but tab, LF and CR (which quoted cells may hold), DEL and the C1 controls (the usual sign of
// a windows-1252 file read as latin1)
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** `column "note": character 5 is U+0000 (NUL)`, or `undefined` when the cell has no control character. */
export function controlCharacterIn(text: string, column: string): string | undefined {
  const match = CONTROL.exec(text);
  if (match === null) return undefined;
  const code = (match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  const name = code === '0000' ? ' (NUL)' : '';
  const hint = match[0] >= '\u0080' ? '; a windows-1252 file read as latin1? try --encoding windows-1252' : '';
  return `column "${column}": character ${match.index + 1} is the control character U+${code}${name}${hint}`;
}

// Pragmatic, not RFC 5322: one @, no spaces, a dotted domain with no empty label. It catches what a CSV
// export gets wrong (a name, a phone number, a shifted column) without refusing real addresses.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/** True when `text` looks like an email address. */
export function isEmailAddress(text: string): boolean {
  return EMAIL.test(text);
}

/** Cells a spreadsheet would run as a formula (OWASP: `=`, `+`, `-`, `@`, tab, CR), after any `'` already in front. */
const FORMULA = /^'*[=+\-@\t\r]/;

/**
 * A cell for the failed-rows CSV: one `'` in front of a cell that starts like a formula, so a spreadsheet
 * opening the file shows text instead of running it (CSV injection). {@link restoreCell} undoes it.
 */
export function neutraliseCell(text: string): string {
  return FORMULA.test(text) ? `'${text}` : text;
}

/** A cell of a failed-rows file back to what the original file said (drops the `'` {@link neutraliseCell} added). */
export function restoreCell(text: string): string {
  return text.startsWith("'") && FORMULA.test(text) ? text.slice(1) : text;
}

/** The header's names, trimmed. @throws {@link HeaderError} (`CIO_IMPORT_HEADER`) when a name appears twice, naming both positions */
export function checkHeader(header: readonly string[]): void {
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    if (name === '') return;
    const first = seen.get(name);
    if (first !== undefined) {
      throw new HeaderError(`the header names column "${name}" twice, as column ${first + 1} and column ${index + 1}; rename one (only one value per attribute can be sent)`);
    }
    seen.set(name, index);
  });
}
