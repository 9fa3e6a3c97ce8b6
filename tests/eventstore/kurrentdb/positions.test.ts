import {
  isAfter,
  readPositionAfter,
  toGlobalPosition,
} from '../../../src/eventstore/kurrentdb/positions';

const at = (commit: bigint, prepare = commit) => ({ commit, prepare });

describe('global positions on KurrentDB', () => {
  it('is the log position of an event appended through gRPC (commit = prepare)', () => {
    expect(toGlobalPosition(at(123_456n))).toBe(123_456);
  });

  it('refuses a position from an explicit transaction, where events share a commit position', () => {
    expect(() => toGlobalPosition(at(900n, 700n))).toThrow(/explicit transaction/);
  });

  it('refuses positions a server older than 22.6 sends for stream reads', () => {
    expect(() => toGlobalPosition(undefined)).toThrow(/22\.6/);
    expect(() => toGlobalPosition(at(0n))).toThrow(/22\.6/);
    expect(() => toGlobalPosition(at(2n ** 64n - 1n))).toThrow(/22\.6/);
  });

  it('refuses a position that does not fit in a safe integer', () => {
    expect(toGlobalPosition(at(BigInt(Number.MAX_SAFE_INTEGER)))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toGlobalPosition(at(BigInt(Number.MAX_SAFE_INTEGER) + 1n))).toThrow(
      /safe integer/,
    );
  });

  it('reads the log from its start after checkpoint 0', () => {
    expect(readPositionAfter(0)).toBe('start');
  });

  it('reads the log from the checkpoint itself, whose event the reader then drops', () => {
    expect(readPositionAfter(4_242)).toEqual(at(4_242n));
  });

  it('refuses a checkpoint that is not a position', () => {
    expect(() => readPositionAfter(-1)).toThrow(RangeError);
    expect(() => readPositionAfter(1.5)).toThrow(RangeError);
  });

  it('orders positions by commit, then prepare', () => {
    expect(isAfter(at(10n), at(9n))).toBe(true);
    expect(isAfter(at(10n), at(10n))).toBe(false);
    expect(isAfter(at(10n, 5n), at(10n, 4n))).toBe(true);
    expect(isAfter(at(9n, 9n), at(10n, 1n))).toBe(false);
  });
});
