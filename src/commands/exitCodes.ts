// How the command line ends: every command reports an error as one line on stderr,
// "meanfield <command>: <message>", and exits with the code that says what went wrong.

import { ConfigError } from "../configError.js";

/** 0 done, 1 a check failed or an unexpected error, 2 bad input, 3 the run diverged or results are missing, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, badInput: 2, diverged: 3, interrupted: 130 } as const;

/** Writes "meanfield <command>: <message>" (the command named once, even if the message starts with it) and exits with code. */
export function exitWith(command: string, message: string, code: number): never {
  const named = message.startsWith(`${command}:`) || message.startsWith(`${command} `);
  process.stderr.write(`meanfield ${named ? "" : `${command}: `}${message}\n`);
  process.exit(code);
}

/** Bad input (a config, a file, an option): exit 2. */
export function badInput(command: string, message: string): never {
  return exitWith(command, message, EXIT.badInput);
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs a command's action, turning the errors that mean bad input (ConfigError unless other
 * classes are given) into badInput; any other error escapes to runCommandLine's handler.
 */
export async function exitOnBadInput<T>(command: string, action: () => Promise<T> | T, inputErrors: readonly ErrorClass[] = [ConfigError]): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (inputErrors.some((kind) => err instanceof kind)) badInput(command, (err as Error).message);
    throw err;
  }
}

/** The one line and exit code of an error that escaped every command: 2 for a RangeError (bad input), 1 otherwise. */
export function escapedError(err: unknown): { line: string; code: number } {
  const message = (err as Error).message.split("\n")[0]!;
  return {
    line: message.startsWith("meanfield") ? message : `meanfield: ${message}`,
    code: err instanceof RangeError ? EXIT.badInput : EXIT.failed,
  };
}
