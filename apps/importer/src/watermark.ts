/**
 * The contiguous progress of rows whose outcomes arrive out of order.
 *
 * Row N is "done" when it has an outcome; the watermark is the highest N such that every row up to N
 * is done, and only it is ever persisted, so a resume never skips a row still in flight. Rows done
 * above the watermark wait in a set that is bounded by the pipeline's in-flight window.
 */
export class Watermark {
  private done = new Set<number>();
  private value: number;

  /**
   * @param start - rows already done (a resumed checkpoint)
   * @param onPass - called for every row the watermark passes, in row order (failed rows are written then)
   */
  constructor(
    start: number,
    private readonly onPass: (row: number) => void = () => undefined,
  ) {
    this.value = start;
  }

  /** Every row up to this one has an outcome. */
  get rows(): number {
    return this.value;
  }

  /** Rows done above the watermark. */
  get ahead(): number {
    return this.done.size;
  }

  /** Row `row` has its outcome. */
  complete(row: number): void {
    if (row !== this.value + 1) {
      this.done.add(row);
      return;
    }
    this.pass(row);
    while (this.done.delete(this.value + 1)) this.pass(this.value + 1);
  }

  private pass(row: number): void {
    this.value = row;
    this.onPass(row);
  }
}
