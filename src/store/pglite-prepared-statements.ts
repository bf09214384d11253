import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import type { QueryResult } from './database.js';
import type { PreparedStatementNames } from './prepared-statement-names.js';

const { serialize } = protocol;

/** One buffer for several protocol messages: PGlite runs a batch in one call into WebAssembly. */
function batch(...messages: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(messages.reduce((sum, message) => sum + message.length, 0));
  let offset = 0;
  for (const message of messages) {
    joined.set(message, offset);
    offset += message.length;
  }
  return joined;
}

const noSync = { syncToFs: false } as const;

/**
 * Named prepared statements on PGlite's one session. `PGlite.query` parses, analyses and plans
 * its statement on every call (an unnamed statement, five protocol round trips into
 * WebAssembly); for the request path's CTEs that was about 60% of the database time (measured:
 * ≈ 3 of 5 ms per image request). Here a statement is parsed and described once; later calls
 * are one batch of Bind, Describe portal, Execute and Sync, with parameters serialised and rows
 * parsed by PGlite's own serialisers and parsers, exactly as `query` does.
 *
 * The caller holds PGlite's query mutex (and, outside a transaction, its transaction mutex),
 * as `PGlite.query` does internally.
 */
export class PglitePreparedStatements {
  /** Parameter type OIDs of each statement prepared in the session, by name. */
  private readonly parameterTypes = new Map<string, readonly number[]>();

  constructor(
    private readonly pglite: PGlite,
    private readonly names: PreparedStatementNames,
  ) {}

  /** The name `text` runs under, or undefined when it should go through `PGlite.query`. */
  nameFor(text: string): string | undefined {
    return this.names.nameFor(text);
  }

  /** After a stale plan (SQLSTATE 0A000): the next use prepares the text under a fresh name. */
  retire(text: string): void {
    this.names.retire(text);
  }

  async run<Row>(
    name: string,
    text: string,
    params: readonly unknown[],
  ): Promise<QueryResult<Row>> {
    const types = this.parameterTypes.get(name) ?? (await this.prepare(name, text));
    const values = params.map((param, index) => {
      if (param === null || param === undefined) return null;
      const serializer = this.pglite.serializers[types[index] ?? 0];
      return serializer ? serializer(param) : String(param);
    });
    let messages;
    try {
      // Sync ends the batch, so after an error the session is ready again: the server skips
      // what follows a failed message up to the Sync.
      messages = await this.pglite.execProtocolStream(
        batch(
          serialize.bind({ statement: name, values }),
          // The row description of the portal, not one cached at prepare time: a migration that
          // renames a column changes the names without changing the row type.
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ),
        noSync,
      );
    } catch (error) {
      throw withStatement(error, text, params);
    }
    const [result] = parse.parseResults(messages, this.pglite.parsers);
    const rows = (result?.rows ?? []) as Row[];
    return { rows, rowCount: result?.affectedRows ?? rows.length };
  }

  private async prepare(name: string, text: string): Promise<readonly number[]> {
    let described;
    try {
      described = await this.pglite.execProtocolStream(
        batch(serialize.parse({ name, text }), serialize.describe({ type: 'S', name })),
        noSync,
      );
    } catch (error) {
      // Whether Parse got as far as creating the statement is unknown: close it (closing a
      // statement that does not exist is no error), or the next prepare would find the name
      // taken (42P05).
      await this.pglite.execProtocolStream(serialize.sync(), noSync);
      await this.pglite
        .execProtocolStream(batch(serialize.close({ type: 'S', name }), serialize.sync()), noSync)
        .catch(() => undefined);
      throw withStatement(error, text, undefined);
    }
    const types = parse.parseDescribeStatementResults(described);
    this.parameterTypes.set(name, types);
    return types;
  }
}

/** What `PGlite.query` adds to the errors it throws (`makePGliteError`), for the same logs. */
function withStatement(error: unknown, query: string, params: readonly unknown[] | undefined) {
  if (error instanceof Error) Object.assign(error, { query, params: params && [...params] });
  return error;
}
