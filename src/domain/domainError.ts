/**
 * A rule of the domain refused something. `code` is stable (the HTTP edge maps it to a status and a
 * problem type); `pointer` names the offending field of the command or terms (RFC 6901) when
 * there is one.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    /** What is wrong, without the pointer. */
    readonly detail: string,
    readonly pointer?: string,
  ) {
    super(pointer ? `${pointer}: ${detail}` : detail);
    this.name = 'DomainError';
  }
}
