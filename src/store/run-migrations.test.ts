import { describe, expect, it } from 'vitest';
import { splitStatements } from './run-migrations.js';

describe('splitStatements', () => {
  it('should split on semicolons outside strings, comments and dollar quotes', () => {
    const sql = `-- a comment; not a statement
      CREATE TABLE a (x text DEFAULT 'semi;colon');
      CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN PERFORM 1; RETURN NEW; END $$ LANGUAGE plpgsql;
      INSERT INTO a VALUES ('it''s; fine');`;
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(3);
    expect(statements[0]).toContain("'semi;colon'");
    expect(statements[1]).toContain('PERFORM 1; RETURN NEW;');
    expect(statements[2]).toContain("'it''s; fine'");
  });
});
