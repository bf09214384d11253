/**
 * Jobs per chat per rolling minute, in this process's memory: the bot is one long-polling
 * process, so a shared counter would buy nothing. Tenant quotas still apply on top.
 */
export class ChatRateLimiter {
  private readonly starts = new Map<string, number[]>();

  constructor(
    private readonly jobsPerMinute: number,
    private readonly now: () => number,
  ) {}

  /**
   * Records a job for `chatId` when the chat is under its limit. Otherwise nothing is recorded
   * and the answer says how many seconds until the oldest job leaves the window.
   */
  take(chatId: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const recent = (this.starts.get(chatId) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= this.jobsPerMinute) {
      this.starts.set(chatId, recent);
      const oldest = recent[0] ?? now;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000)),
      };
    }
    recent.push(now);
    this.starts.set(chatId, recent);
    return { allowed: true };
  }
}
