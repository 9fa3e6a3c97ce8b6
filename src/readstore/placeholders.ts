/**
 * Turns the portable `?` placeholders into PostgreSQL's `$1, $2, ...`, leaving question marks
 * inside quoted literals and identifiers alone. Comments and dollar-quoted bodies are not
 * recognised: keep `?` out of them in statements that take parameters (migrations take none and
 * are sent unchanged).
 */
export function numberedPlaceholders(sql: string): string {
  let result = '';
  let index = 0;
  let quote: "'" | '"' | null = null;
  for (const character of sql) {
    if (quote !== null) {
      if (character === quote) quote = null;
      result += character;
    } else if (character === "'" || character === '"') {
      quote = character;
      result += character;
    } else if (character === '?') {
      index += 1;
      result += `$${index}`;
    } else {
      result += character;
    }
  }
  return result;
}
