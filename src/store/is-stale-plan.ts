/**
 * SQLSTATE 0A000 with this message: a named statement's plan read a table whose columns changed
 * since it was prepared (a migration, here or by another instance); the server refuses to run
 * it again.
 */
export function isStalePlan(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === '0A000' &&
    typeof message === 'string' &&
    message.includes('cached plan must not change result type')
  );
}
