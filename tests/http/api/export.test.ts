import express from 'express';
import request from 'supertest';
import {
  csvField,
  pagedRows,
  streamCsv,
  streamNdjson,
  type CsvColumn,
} from '../../../src/http/api/export';
import { pageOf } from '../../../src/http/api/pagination';
import { problemDetailsHandler } from '../../../src/http/problemDetails';

async function* from<T>(rows: readonly T[]): AsyncGenerator<T> {
  for (const row of rows) yield row;
}

describe('csvField (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['two\nlines', '"two\nlines"'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['Zürich – 株式会社 🧪', 'Zürich – 株式会社 🧪'],
    ['Müller, "GmbH"', '"Müller, ""GmbH"""'],
  ])('writes %j as %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('writes empty fields for null and undefined, and plain text for other values', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(12)).toBe('12');
    expect(csvField(12n)).toBe('12');
    expect(csvField(true)).toBe('true');
    expect(csvField(new Date('2025-03-31T00:00:00Z'))).toBe('2025-03-31T00:00:00.000Z');
    expect(csvField({ a: 1, b: 'x' })).toBe('"{""a"":1,""b"":""x""}"');
  });

  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
  ])('defuses the formula %j in a text column as %j', (value, field) => {
    expect(csvField(value, 'text')).toBe(field);
  });

  it('keeps negative amounts in a number column as they are', () => {
    expect(csvField('-12.50', 'number')).toBe('-12.50');
    expect(csvField('1250000', 'number')).toBe('1250000');
    expect(csvField(-3, 'number')).toBe('-3');
    // A number column still defuses what is not a number.
    expect(csvField('-1+cmd', 'number')).toBe("'-1+cmd");
    expect(csvField('=1', 'number')).toBe("'=1");
    // ...and a text column defuses even an amount.
    expect(csvField('-12.50', 'text')).toBe("'-12.50");
  });
});

describe('streamCsv and streamNdjson', () => {
  const columns: CsvColumn[] = [
    { key: 'obligationId', header: 'Obligation' },
    { key: 'payee' },
    { key: 'amount', header: 'Amount', kind: 'number' },
  ];
  const rows = [
    { obligationId: 'o-1', payee: 'Acme, Inc.', amount: '-12.50' },
    { obligationId: 'o-2', payee: '=cmd|"/c calc"!A1', amount: '1000.00' },
    { obligationId: 'o-3', payee: 'Line\nbreak 日本', amount: null },
  ];

  function app(source: () => AsyncIterable<Record<string, unknown>>) {
    const server = express();
    server.get('/export.csv', async (_req, res) => {
      await streamCsv(res, columns, source(), { filename: 'obligations 2025.csv' });
    });
    server.get('/export.ndjson', async (_req, res) => {
      await streamNdjson(res, source());
    });
    server.use(problemDetailsHandler());
    return server;
  }

  it('sends a header row, CRLF line ends, quoted and defused fields, as an attachment', async () => {
    const response = await request(app(() => from(rows)))
      .get('/export.csv')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="obligations_2025.csv"',
    );
    expect(response.body).toBe(
      'Obligation,payee,Amount\r\n' +
        'o-1,"Acme, Inc.",-12.50\r\n' +
        `o-2,"'=cmd|""/c calc""!A1",1000.00\r\n` +
        'o-3,"Line\nbreak 日本",\r\n',
    );
  });

  it('sends only the header row when there are no rows', async () => {
    const response = await request(app(() => from([])))
      .get('/export.csv')
      .expect(200);
    expect(response.text).toBe('Obligation,payee,Amount\r\n');
  });

  it('sends one JSON document per line as application/x-ndjson', async () => {
    const response = await request(app(() => from(rows)))
      .get('/export.ndjson')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    const lines = (response.body as string).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(rows);
  });

  it('answers with a problem when the source fails before anything was sent', async () => {
    async function* failing(): AsyncGenerator<Record<string, unknown>> {
      yield rows[0]!;
      throw new Error('read store down');
    }
    const response = await request(app(failing)).get('/export.csv').expect(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('pagedRows', () => {
  it('reads page after page, each only when the previous one is consumed', async () => {
    const all = Array.from({ length: 7 }, (_, index) => index + 1);
    const fetched: (number | undefined)[] = [];
    const rows = pagedRows(async (after: number | undefined) => {
      fetched.push(after);
      const start = after ?? 0;
      return pageOf(all.slice(start, start + 3 + 1), 3, (row) => row);
    });
    const iterator = rows[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(1);
    expect(fetched).toEqual([undefined]);
    const rest: number[] = [];
    for await (const row of { [Symbol.asyncIterator]: () => iterator }) rest.push(row);
    expect(rest).toEqual([2, 3, 4, 5, 6, 7]);
    expect(fetched).toEqual([undefined, 3, 6]);
  });
});
