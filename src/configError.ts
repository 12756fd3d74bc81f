// The error of bad input: one line naming the field (or the file), exit code 2. Its own module so
// the command line can tell it apart without loading the config schema (zod) at startup.

/** A config error: `path: message`, one line. */
export class ConfigError extends RangeError {
  override name = "ConfigError";
}
