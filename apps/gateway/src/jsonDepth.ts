/**
 * The deepest nesting of objects and arrays in a JSON text, counted on the bytes before it is parsed, so a
 * body of 100,000 `[` is refused without building anything (and without the parser's recursion).
 * Brackets inside strings do not count; the text need not be valid JSON (the parser says so next).
 *
 * @returns true when the nesting goes past `maxDepth`
 */
export function exceedsJsonDepth(body: Buffer, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < body.length; index++) {
    const byte = body[index] as number;
    if (inString) {
      if (byte === 0x5c) index++; // a backslash escapes the next byte (\" stays inside the string)
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return false;
}
