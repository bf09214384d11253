import type { Command } from 'commander';
import type { AdminClient } from './admin-client.js';

type Print = (value: unknown, human: () => string) => void;

/** `rollout start|status|pause|resume|promote|rollback` — filled in with canary rollouts. */
export function registerRolloutCommands(
  _program: Command,
  _client: () => AdminClient,
  _print: Print,
): void {}
