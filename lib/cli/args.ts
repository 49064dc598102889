import { parseArgs } from 'node:util';

/** The flags a CLI accepts, by name: each flag's type, its `--help` text and its default. */
export type FlagSpec = Record<string, { type: 'string' | 'boolean'; help: string; default?: string | boolean }>;

/**
 * Parses `--flag value` arguments against a spec; an unknown flag or a missing value is an error that lists the
 * valid flags, and `--help` prints them.
 */
export function cliArgs<S extends FlagSpec>(command: string, spec: S, argv = process.argv.slice(2)): { [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean : string | undefined } {
  const usage = () =>
    `usage: npm run ${command} -- [flags]\n` +
    Object.entries(spec)
      .map(([k, v]) => `  --${k}${v.type === 'string' ? ' VALUE' : ''}  ${v.help}${v.default !== undefined ? ` (default ${v.default})` : ''}`)
      .join('\n');
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    process.exit(0);
  }
  try {
    const options = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, { type: v.type }]));
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(spec)) out[k] = values[k] ?? v.default ?? (v.type === 'boolean' ? false : undefined);
    return out as never;
  } catch (e) {
    throw new Error(`${(e as Error).message.split('. ')[0]}.\n${usage()}`);
  }
}

/** Runs a CLI's main, printing a failure as one clear message (no stack) and exiting non-zero. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(`error: ${(e as Error).message}`);
      if (process.env.GAN_DEBUG) console.error((e as Error).stack);
      process.exit(1);
    },
  );
}

/** A number flag, with the flag's name in the error when it is not one. */
export function numberFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got '${value}'`);
  return n;
}
