import { numberedPlaceholders } from '../../src/readstore/placeholders';

describe('numberedPlaceholders', () => {
  it('numbers the ? placeholders from $1 in order', () => {
    expect(
      numberedPlaceholders('SELECT * FROM audit_trail WHERE actor = ? AND global_position > ?'),
    ).toBe('SELECT * FROM audit_trail WHERE actor = $1 AND global_position > $2');
  });

  it('numbers placeholders without spaces around them', () => {
    expect(numberedPlaceholders('VALUES (?,?,?),(?,?,?)')).toBe('VALUES ($1,$2,$3),($4,$5,$6)');
  });

  it('leaves a ? inside a quoted literal alone', () => {
    expect(numberedPlaceholders("SELECT 'is it due?' AS question, ? AS answer")).toBe(
      "SELECT 'is it due?' AS question, $1 AS answer",
    );
  });

  it('leaves a ? inside a double-quoted identifier alone', () => {
    expect(numberedPlaceholders('SELECT "due?" FROM milestones WHERE id = ?')).toBe(
      'SELECT "due?" FROM milestones WHERE id = $1',
    );
  });

  it('keeps a literal with an escaped quote whole, question marks and all', () => {
    expect(numberedPlaceholders("SELECT 'it''s ? due' WHERE a = ? AND b = 'don''t?'")).toBe(
      "SELECT 'it''s ? due' WHERE a = $1 AND b = 'don''t?'",
    );
  });

  it('keeps an identifier with an escaped double quote whole', () => {
    expect(numberedPlaceholders('SELECT "say ""why?""" FROM t WHERE a = ?')).toBe(
      'SELECT "say ""why?""" FROM t WHERE a = $1',
    );
  });

  it('does not open an identifier at a double quote inside a literal, nor a literal at a single quote inside an identifier', () => {
    expect(numberedPlaceholders(`SELECT 'say "hi?' , "it's?" , ? , ?`)).toBe(
      `SELECT 'say "hi?' , "it's?" , $1 , $2`,
    );
  });

  it('numbers a placeholder right after an empty literal', () => {
    expect(numberedPlaceholders("INSERT INTO t (a, b) VALUES ('', ?)")).toBe(
      "INSERT INTO t (a, b) VALUES ('', $1)",
    );
  });

  it('leaves SQL without placeholders unchanged', () => {
    const sql = "CREATE TABLE audit_trail (data TEXT NOT NULL DEFAULT '{}')";
    expect(numberedPlaceholders(sql)).toBe(sql);
    expect(numberedPlaceholders('')).toBe('');
  });
});
