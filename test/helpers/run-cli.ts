import { execFile } from 'node:child_process';
import path from 'node:path';

/** Runs the built CLI as a user would, against `url` with the operator's key; its stdout. */
export function runCli(url: string, args: string[], adminKey: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [path.resolve(import.meta.dirname, '../../bin/switchyard.js'), '--url', url, ...args],
      { env: { ...process.env, SWITCHYARD_ADMIN_KEY: adminKey } },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}
