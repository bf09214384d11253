/**
 * The gateway's own base URLs: the configured public one (provider callbacks, asset links in
 * webhooks) and the local one, known once the server listens.
 */
export class GatewayUrls {
  private publicBase: string | undefined;
  private localBase: string;

  constructor(publicUrl: string | undefined, port: number) {
    this.publicBase = publicUrl?.replace(/\/+$/, '');
    this.localBase = `http://localhost:${port}`;
  }

  /** The public base URL, when configured. */
  readonly publicUrl = (): string | undefined => this.publicBase;

  /** The public base URL, else this machine's. */
  readonly baseUrl = (): string => this.publicBase ?? this.localBase;

  /** The server listens on `port` (port 0 picks one). */
  listening(port: string | number): void {
    this.localBase = `http://localhost:${port}`;
  }

  /** After close: nothing hands out this gateway's address any more. */
  forget(): void {
    this.publicBase = undefined;
  }
}
