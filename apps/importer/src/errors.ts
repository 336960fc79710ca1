import { CioscaleError } from '@cioscale/core';

/**
 * Problems that stop the import before or while it runs, one class per failure with a literal `code`.
 * A bad flag, variable or mapping is core's `ConfigurationError` (`CIO_CONFIG`), like everywhere in
 * cioscale; these are the import's own failures, about the files it reads and writes.
 */
export abstract class ImportError extends CioscaleError {}

/** The input file cannot be read, has no header row, or is not CSV (a quoted field is never closed). */
export class ImportFileError extends ImportError {
  readonly code = 'CIO_IMPORT_FILE' as const;
}

/** A column the import needs (the id column, an event column) is not in the file's header. */
export class MissingColumnError extends ImportError {
  readonly code = 'CIO_IMPORT_COLUMN' as const;
}

/** The checkpoint cannot be read, is damaged, or belongs to another version of the file. */
export class CheckpointError extends ImportError {
  readonly code = 'CIO_IMPORT_CHECKPOINT' as const;
}

/** The `--diff` store cannot be read or is damaged. */
export class DiffStoreError extends ImportError {
  readonly code = 'CIO_IMPORT_DIFF' as const;
}

/** The input's bytes are not in the encoding it is read as: a byte that is not UTF-8, or UTF-16 without a byte-order mark. */
export class InputEncodingError extends ImportError {
  readonly code = 'CIO_IMPORT_ENCODING' as const;
}

/**
 * The header cannot be imported as it is: a name appears twice, two columns would send one attribute, or a
 * column has a reserved Customer.io name that `--allow-reserved`, `ignore` or `rename` must decide about.
 */
export class HeaderError extends ImportError {
  readonly code = 'CIO_IMPORT_HEADER' as const;
}

/** The PostgreSQL source cannot be read: the database is unreachable, refuses the login, or rejects the query. */
export class PostgresSourceError extends ImportError {
  readonly code = 'CIO_IMPORT_POSTGRES' as const;
}
