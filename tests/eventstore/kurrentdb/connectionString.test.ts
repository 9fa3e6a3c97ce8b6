import {
  clientConnectionString,
  describeServer,
} from '../../../src/eventstore/kurrentdb/connectionString';

describe('KurrentDB connection strings', () => {
  it.each([
    ['kurrentdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
    [
      'kurrentdb+discover://admin:changeit@cluster:2113',
      'esdb+discover://admin:changeit@cluster:2113',
    ],
    ['KurrentDB://node:2113', 'esdb://node:2113'],
    ['esdb://node:2113?tls=false', 'esdb://node:2113?tls=false'],
    ['esdb+discover://a:2113,b:2113', 'esdb+discover://a:2113,b:2113'],
  ])('passes %s to the client as %s', (given, expected) => {
    expect(clientConnectionString(given)).toBe(expected);
  });

  it('names the server by host and port, without credentials or options', () => {
    expect(describeServer('esdb://admin:s3cr3t@db.internal:2113?tls=false')).toBe(
      'db.internal:2113',
    );
  });

  it('names every node of a cluster, with the default port where none is given', () => {
    expect(describeServer('kurrentdb+discover://u:p@node1:2113,node2,node3:2114/?tls=true')).toBe(
      'node1:2113,node2:2113,node3:2114',
    );
  });

  it('never shows a password, even for a string it cannot read', () => {
    expect(describeServer('esdb://admin:s3cr3t@')).not.toContain('s3cr3t');
    expect(describeServer('esdb://admin:p@ss@db:2113')).toBe('db:2113');
    expect(describeServer('not a url')).toBe('the configured KurrentDB server');
  });
});
