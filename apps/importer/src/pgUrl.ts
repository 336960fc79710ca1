/**
 * A PostgreSQL connection string as it may be shown: the password (in the user info or a `password=`
 * parameter) replaced by `***`. Everything printed about a PostgreSQL source goes through here.
 */
export function maskPostgresUrl(url: string): string {
  return url.replace(/^([a-z][\w+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@').replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** `text` with every spelling of the URL's password (raw or percent-decoded) replaced by `***`. */
export function withoutPassword(text: string, url: string): string {
  const secrets = new Set<string>();
  const raw = /^[a-z][\w+.-]*:\/\/[^/@:]*:([^/@]*)@/i.exec(url)?.[1];
  const parameter = /[?&]password=([^&#]*)/i.exec(url)?.[1];
  for (const secret of [raw, parameter]) {
    if (!secret) continue;
    secrets.add(secret);
    try {
      secrets.add(decodeURIComponent(secret));
    } catch {
      // not percent-encoded: the raw spelling is enough
    }
  }
  let shown = text;
  for (const secret of secrets) if (secret.length > 0) shown = shown.split(secret).join('***');
  return shown;
}

/** True for a `postgres://` or `postgresql://` connection string: the import reads a query instead of a file. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(text);
}
