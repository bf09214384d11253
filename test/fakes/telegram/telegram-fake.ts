import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A file the bot uploaded in a multipart request. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** One Bot API call as the fake saw it. */
export interface BotApiCall {
  method: string;
  /** Parameters, from JSON, a form or multipart fields (file fields resolved into `files`). */
  params: Record<string, unknown>;
  /** Uploaded files by parameter name (`photo`, `video`), `attach://` references resolved. */
  files: Record<string, UploadedFile>;
  /** Whether the request was multipart/form-data. */
  multipart: boolean;
}

interface HeldPoll {
  offset: number;
  limit: number;
  respond(updates: unknown[]): void;
}

const botUser = {
  id: 4242,
  is_bot: true,
  first_name: 'Switchyard',
  username: 'switchyard_test_bot',
};

/**
 * A Telegram Bot API server on 127.0.0.1:0 speaking the real wire protocol
 * (`/bot<token>/<method>`, `{ok, result}` answers, getUpdates long polling with offset and
 * timeout, setWebhook, multipart uploads), recording every call. Tests push user messages with
 * `sendUserMessage` and wait for the bot's calls with `waitForCall`.
 */
export class TelegramFake {
  readonly calls: BotApiCall[] = [];
  private readonly updates: { update_id: number; message: unknown }[] = [];
  private readonly held = new Set<HeldPoll>();
  private readonly events = new EventEmitter();
  private nextUpdateId = 1;
  private nextMessageId = 100;

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:PORT`: the bot's `TELEGRAM_API_ROOT`. */
    readonly url: string,
    readonly token: string,
  ) {
    this.events.setMaxListeners(100);
  }

  static async start(
    token = '123456:TEST-token-abcdefghijklmnopqrstuvwxyz',
  ): Promise<TelegramFake> {
    const holder: { fake?: TelegramFake } = {};
    const server = createServer((request, response) => void holder.fake?.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new TelegramFake(server, `http://127.0.0.1:${port}`, token);
    return holder.fake;
  }

  /** A user writes `text` in a private chat (chat id = user id unless given). */
  sendUserMessage(text: string, from: { userId: number; chatId?: number }): void {
    this.updates.push(this.userUpdate(text, from));
    for (const poll of [...this.held]) this.answerPoll(poll);
  }

  /** The update Telegram makes of a user's message (for webhook tests to post themselves). */
  userUpdate(
    text: string,
    from: { userId: number; chatId?: number },
  ): { update_id: number; message: unknown } {
    const command = /^\/\S+/.exec(text);
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.chatId ?? from.userId, type: from.chatId ? 'group' : 'private' },
      from: { id: from.userId, is_bot: false, first_name: `User ${from.userId}` },
      text,
      ...(command
        ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }
        : {}),
    };
    return { update_id: this.nextUpdateId++, message };
  }

  /** Calls of `method`, optionally to one chat. */
  callsOf(method: string, chatId?: number): BotApiCall[] {
    return this.calls.filter(
      (call) =>
        call.method === method && (chatId === undefined || Number(call.params.chat_id) === chatId),
    );
  }

  /** Resolves with the first call (past or future) of `method` matching `predicate`. */
  waitForCall(
    method: string,
    predicate: (call: BotApiCall) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<BotApiCall> {
    const found = this.calls.find((call) => call.method === method && predicate(call));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('call', listener);
        reject(new Error(`no ${method} call matched in ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (call: BotApiCall) => {
        if (call.method !== method || !predicate(call)) return;
        clearTimeout(timer);
        this.events.off('call', listener);
        resolve(call);
      };
      this.events.on('call', listener);
    });
  }

  async close(): Promise<void> {
    for (const poll of [...this.held]) poll.respond([]);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(request.url ?? '/', this.url).pathname);
    const send = (status: number, body: unknown) => {
      if (response.writableEnded || response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (!match) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token)
      return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const call = await parseCall(
      match[2]!,
      request.headers['content-type'] ?? '',
      Buffer.concat(chunks),
    );
    this.calls.push(call);
    this.events.emit('call', call);
    if (call.method === 'getUpdates') return this.poll(call, response, send);
    const result = this.answer(call);
    if (result === undefined)
      return send(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    send(200, { ok: true, result });
  }

  private poll(
    call: BotApiCall,
    response: ServerResponse,
    send: (status: number, body: unknown) => void,
  ) {
    const offset = Number(call.params.offset ?? 0);
    // Confirmed updates are forgotten, as Telegram does.
    while (this.updates[0] && this.updates[0].update_id < offset) this.updates.shift();
    const poll: HeldPoll = {
      offset,
      limit: Number(call.params.limit ?? 100),
      respond: (updates) => {
        clearTimeout(timer);
        this.held.delete(poll);
        send(200, { ok: true, result: updates });
      },
    };
    const timer = setTimeout(() => poll.respond([]), Number(call.params.timeout ?? 0) * 1000);
    response.on('close', () => {
      clearTimeout(timer);
      this.held.delete(poll);
    });
    this.held.add(poll);
    this.answerPoll(poll);
  }

  private answerPoll(poll: HeldPoll): void {
    const ready = this.updates
      .filter((update) => update.update_id >= poll.offset)
      .slice(0, poll.limit);
    if (ready.length > 0) poll.respond(ready);
  }

  private answer(call: BotApiCall): unknown {
    const { params } = call;
    const message = (extra: Record<string, unknown>) => ({
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(params.chat_id), type: 'private' },
      from: botUser,
      ...extra,
    });
    switch (call.method) {
      case 'getMe':
        return {
          ...botUser,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case 'deleteWebhook':
      case 'setWebhook':
      case 'sendChatAction':
        return true;
      case 'sendMessage':
        return message({ text: params.text });
      case 'editMessageText':
        return { ...message({ text: params.text }), message_id: Number(params.message_id) };
      case 'sendPhoto':
        return message({
          photo: [{ file_id: 'photo-1', file_unique_id: 'p1', width: 512, height: 512 }],
        });
      case 'sendVideo':
        return message({
          video: { file_id: 'video-1', file_unique_id: 'v1', width: 864, height: 480, duration: 4 },
        });
      case 'sendDocument':
        return message({ document: { file_id: 'document-1', file_unique_id: 'd1' } });
      default:
        return undefined;
    }
  }
}

/** Reads a Bot API request body: JSON, a urlencoded form, or multipart with files. */
async function parseCall(method: string, contentType: string, body: Buffer): Promise<BotApiCall> {
  const params: Record<string, unknown> = {};
  const files: Record<string, UploadedFile> = {};
  if (contentType.startsWith('multipart/form-data')) {
    const parts = new Map<string, UploadedFile>();
    for (const part of splitMultipart(body, contentType)) {
      if (part.filename === undefined) params[part.name] = parseValue(part.data.toString('utf8'));
      else
        parts.set(part.name, {
          filename: part.filename,
          contentType: part.contentType,
          data: part.data,
        });
    }
    for (const [name, value] of Object.entries(params)) {
      const attached =
        typeof value === 'string' && value.startsWith('attach://')
          ? parts.get(value.slice(9))
          : undefined;
      if (attached) files[name] = attached;
    }
    for (const [name, part] of parts) if (!Object.values(files).includes(part)) files[name] = part;
    return { method, params, files, multipart: true };
  }
  if (contentType.startsWith('application/json') && body.length > 0) {
    Object.assign(params, JSON.parse(body.toString('utf8')) as Record<string, unknown>);
  } else if (body.length > 0) {
    for (const [name, value] of new URLSearchParams(body.toString('utf8')))
      params[name] = parseValue(value);
  }
  return { method, params, files, multipart: false };
}

/**
 * Splits a multipart/form-data body by hand: grammY writes headers without spaces and file
 * names unquoted (`content-disposition:form-data;name="x";filename=a.png`), which Telegram
 * accepts and undici's strict parser refuses.
 */
function splitMultipart(
  body: Buffer,
  contentType: string,
): { name: string; filename?: string; contentType: string; data: Buffer }[] {
  const boundary = /boundary=("?)([^";]+)\1/i.exec(contentType)?.[2];
  if (!boundary) throw new Error('multipart request without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    // Each part: CRLF after the delimiter, headers, a blank line, the content, CRLF.
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
    const filename = /filename="?([^";\r\n]*)"?/i.exec(headers)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'text/plain';
    parts.push({ name, filename, contentType: type.trim(), data: part.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}

/** Form fields carry JSON for numbers and objects, plain text otherwise. */
function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
