import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

/** Columns and rows of the terminal. */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/**
 * The size of the terminal Ink renders to, updated on resize. Ink re-lays out on resize by itself, but a
 * component that chooses *what* to show by width (fewer columns, shorter sparklines) needs the new size
 * as state to re-render.
 *
 * @param fallback - size when the output is not a terminal (a pipe, a test); @defaultValue 80×24
 */
export function useTerminalSize(fallback: TerminalSize = { columns: 80, rows: 24 }): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({ columns: stdout.columns || fallback.columns, rows: stdout.rows || fallback.rows });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
    // `read` only closes over stdout and the fallback figures, which are the dependencies
  }, [stdout, fallback.columns, fallback.rows]);
  return size;
}
