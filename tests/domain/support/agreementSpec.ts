import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { initialState, type AgreementState } from '../../../src/domain/agreement/agreementState';
import type { AgreementCommand, CommandContext } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { evolve } from '../../../src/domain/agreement/evolve';
import { DomainError } from '../../../src/domain/domainError';

/** A deterministic id per key, a lowercase UUID as the catalogue requires: the same key, the same id. */
export function idFor(key: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const char of key) {
    const code = char.codePointAt(0) ?? 0;
    h1 = Math.imul(h1 ^ code, 16777619) >>> 0;
    h2 = Math.imul(h2 ^ code, 2246822519) >>> 0;
  }
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const a = hex(h1);
  const b = hex(h2);
  const c = hex(Math.imul(h1 ^ h2, 3266489917) >>> 0);
  const d = hex(Math.imul(h2 + 7, 668265263) >>> 0);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/** The context a command carries: a fixed clock, an actor, deterministic ids. */
export const context = (scope = ''): CommandContext => ({
  now: '2024-01-01T00:00:00Z',
  actor: 'test',
  idFor: (key) => idFor(`${scope}${key}`),
});

export const fold = (
  events: readonly AgreementEvent[],
  from: AgreementState = initialState,
): AgreementState => events.reduce(evolve, from);

/**
 * given(events).when(command).then(events): the decider's specification, in the domain's words.
 * `thenFails(code)` expects a DomainError with that stable code.
 */
export function given(...history: readonly AgreementEvent[]) {
  const state = fold(history);
  return {
    state,
    when(command: AgreementCommand) {
      const decided = () => decide(command, state);
      return {
        events: () => decided(),
        then(expected: (events: readonly AgreementEvent[]) => void) {
          expected(decided());
        },
        thenFails(code: string) {
          let error: unknown;
          try {
            decided();
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
        },
      };
    },
  };
}

/** The events of one type, with their data. */
export function ofType<Type extends AgreementEvent['type']>(
  events: readonly AgreementEvent[],
  type: Type,
): Extract<AgreementEvent, { type: Type }>[] {
  return events.filter((e): e is Extract<AgreementEvent, { type: Type }> => e.type === type);
}

/** The history after each command in turn was decided on the history before it and recorded. */
export function recorded(
  history: readonly AgreementEvent[],
  ...commands: readonly AgreementCommand[]
): AgreementEvent[] {
  return commands.reduce<AgreementEvent[]>(
    (events, command) => [...events, ...decide(command, fold(events))],
    [...history],
  );
}
