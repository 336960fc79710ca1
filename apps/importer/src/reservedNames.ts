import { ConfigurationError } from '@cioscale/core';
import { HeaderError } from './errors.js';
import type { ColumnType } from './mapping.js';

/** Attribute names Customer.io gives a meaning of its own (Track API, identify). */
export const RESERVED_NAMES = ['_update', '_timestamp', 'cio_id', 'id', 'email', 'anonymous_id', 'created_at'] as const;

/** Reserved names sent only when `--allow-reserved` names them, and what each would do. */
const NEEDS_FLAG: Readonly<Record<string, string>> = {
  _update: 'with _update=true Customer.io only updates people who exist and never creates one',
  _timestamp: 'Customer.io orders updates by it and drops any older than the last it has',
  cio_id: "it is Customer.io's own identifier, assigned by Customer.io",
  anonymous_id: "it links (merges) the person with an anonymous visitor's activity",
  id: "it sets the person's id, which the identifier column already gives (a different one would change who the person is)",
};

/** The type a reserved name is read as when the mapping does not give one. */
export const RESERVED_TYPES: Readonly<Record<string, ColumnType>> = { created_at: 'timestamp', _timestamp: 'timestamp', _update: 'boolean' };

/** A column whose attribute name is reserved, and what the import does with it (shown in the summary). */
export interface ReservedColumn {
  readonly column: string;
  readonly name: string;
  readonly handling: string;
}

/**
 * What happens to each reserved name among a people import's identifier and attribute columns: the
 * identifier and `email`/`created_at` are mapped to what Customer.io means by them; the others change what
 * an identify does, so they are sent only when `--allow-reserved` names them.
 *
 * @throws {@link HeaderError} (`CIO_IMPORT_HEADER`) naming the column, what it would do and the ways out
 */
export function reservedColumns(
  identifier: { readonly column: string; readonly kind: 'id' | 'email' },
  attributes: readonly { readonly column: string; readonly name: string }[],
  allowed: ReadonlySet<string>,
): ReservedColumn[] {
  const plan: ReservedColumn[] = [
    { column: identifier.column, name: identifier.kind, handling: identifier.kind === 'email' ? 'identifier (identifiers.email, checked to be an email address)' : 'identifier (identifiers.id)' },
  ];
  for (const { column, name } of attributes) {
    if (!(RESERVED_NAMES as readonly string[]).includes(name)) continue;
    if (name === 'email') plan.push({ column, name, handling: "the person's email attribute" });
    else if (name === 'created_at') plan.push({ column, name, handling: 'timestamp (unix seconds): when the person signed up' });
    else if (allowed.has(name)) plan.push({ column, name, handling: `sent, allowed by --allow-reserved: ${NEEDS_FLAG[name]}` });
    else {
      const source = column === name ? `column "${column}"` : `column "${column}" (renamed to "${name}")`;
      throw new HeaderError(
        `${source} is Customer.io's reserved attribute "${name}": ${NEEDS_FLAG[name]}. ` +
          `Add it to "ignore" or "rename" in a --mapping file, or pass --allow-reserved ${name} to send it`,
      );
    }
  }
  return plan;
}

/** Parses `--allow-reserved _update,_timestamp`. @throws {@link ConfigurationError} for a name that needs no flag */
export function parseAllowReserved(text: string): string[] {
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!(name in NEEDS_FLAG)) throw new ConfigurationError('--allow-reserved', `names from ${Object.keys(NEEDS_FLAG).join(', ')}`, JSON.stringify(name));
  }
  return names;
}
