/** What every CLI command receives: where to write, and how to report its exit status. */
export interface CliContext {
  /** Where `-` reads from. */
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal (progress bars are drawn only then). */
  readonly stderrIsTTY: boolean;
  /** Sets the process exit status: 0 ok, 1 unreadable input, 2 usage error. */
  setExitCode(code: number): void;
}

/** A usage error: a bad option or argument. Reported in one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input that cannot be read (missing file, permission, bad gzip). One line, exit status 1. */
export class InputError extends Error {
  override name = 'InputError';
}
