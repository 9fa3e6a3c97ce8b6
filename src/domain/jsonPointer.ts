/** A JSON pointer (RFC 6901) to a path: `''` for the whole document, `/a~1b/0` for a['a/b'][0]. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path
    .map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('');
}
