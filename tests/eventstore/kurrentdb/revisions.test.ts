import {
  expectedRevisionOf,
  revisionOfVersion,
  versionOfCurrentRevision,
  versionOfRevision,
} from '../../../src/eventstore/kurrentdb/revisions';

describe('stream versions and KurrentDB revisions', () => {
  it('expects no stream for a stream without events', () => {
    expect(expectedRevisionOf(0)).toBe('no_stream');
  });

  it('expects the revision of the last event for a stream with events', () => {
    expect(expectedRevisionOf(1)).toBe(0n);
    expect(expectedRevisionOf(10_000)).toBe(9_999n);
  });

  it('numbers the first event revision 0 and version 1', () => {
    expect(revisionOfVersion(1)).toBe(0n);
    expect(versionOfRevision(0n)).toBe(1);
  });

  it('maps every version to a revision and back', () => {
    for (const version of [1, 2, 500, 10_001, Number.MAX_SAFE_INTEGER])
      expect(versionOfRevision(revisionOfVersion(version))).toBe(version);
  });

  it('reads the version of a stream from the revision the server reports', () => {
    expect(versionOfCurrentRevision('no_stream')).toBe(0);
    expect(versionOfCurrentRevision(4n)).toBe(5);
  });

  it('refuses versions and revisions outside the safe range', () => {
    expect(() => revisionOfVersion(0)).toThrow(RangeError);
    expect(() => revisionOfVersion(1.5)).toThrow(RangeError);
    expect(() => versionOfRevision(-1n)).toThrow(RangeError);
    expect(() => versionOfRevision(BigInt(Number.MAX_SAFE_INTEGER))).toThrow(RangeError);
  });
});
