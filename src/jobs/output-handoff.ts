/**
 * Hands the bytes of a job's outputs, as the completion wrote them, to a request of this
 * process waiting for that job (`response_format: b64_json`), so the answer is built from memory
 * instead of reading the files back. Only jobs someone asked for are kept, until taken or released.
 */
export class OutputHandoff {
  private readonly wanted = new Map<string, Map<string, Buffer>>();

  /** Asks for the outputs of `jobId` (before waiting for it). */
  want(jobId: string): void {
    if (!this.wanted.has(jobId)) this.wanted.set(jobId, new Map());
  }

  /** Offers one stored output's bytes; kept only when someone wants that job. */
  offer(jobId: string, assetId: string, data: Buffer): void {
    this.wanted.get(jobId)?.set(assetId, data);
  }

  /** The bytes offered for `jobId`, by asset id, and forgets them (and the request). */
  take(jobId: string): ReadonlyMap<string, Buffer> {
    const held = this.wanted.get(jobId) ?? new Map<string, Buffer>();
    this.wanted.delete(jobId);
    return held;
  }
}
