/** `process.argv` without the `--` that `pnpm run x -- args` passes through, so commander sees the args. */
export function cliArgv(argv: readonly string[] = process.argv): string[] {
  return argv[2] === '--' ? [...argv.slice(0, 2), ...argv.slice(3)] : [...argv];
}
