import { createHash } from 'node:crypto';

/**
 * Names for PostgreSQL's named prepared statements, one per distinct SQL text. A named
 * statement is parsed and planned once per connection; an unnamed one every time, which for the
 * big CTEs of the request path cost more server CPU than running them (issue 14, ADR 0021).
 *
 * Bounded: SQL built at run time (an `IN` list of varying length) would otherwise prepare a new
 * statement on every connection for ever; past `limit` distinct texts the rest run unnamed.
 */
export class PreparedStatementNames {
  private readonly names = new Map<string, string>();
  /** Names handed out so far, retired ones included: what the bound counts. */
  private issued = 0;
  private retirements = 0;

  constructor(private readonly limit = 500) {}

  /** The name to prepare `text` under, or undefined to run it unnamed. */
  nameFor(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined) return known;
    if (this.issued >= this.limit) return undefined;
    this.issued += 1;
    // A hash of the text, so every connection (and a restarted process) agrees on the name; the
    // retirement count makes a name fresh after `retire`, so no connection reuses the stale plan.
    const hash = createHash('sha1').update(text).digest('base64url').slice(0, 16);
    const name = this.retirements ? `s${hash}_${this.retirements}` : `s${hash}`;
    this.names.set(text, name);
    return name;
  }

  /**
   * Forgets `text`'s name after the server refused its plan (SQLSTATE 0A000: a migration changed
   * a table it reads): the next use prepares it afresh under a new name.
   */
  retire(text: string): void {
    if (this.names.delete(text)) this.retirements += 1;
  }

  /** Distinct names handed out (at most `limit`). */
  size(): number {
    return this.issued;
  }
}
