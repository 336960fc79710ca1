import type { Envelope, Rejection } from '@cioscale/core';
import { pipelinesRefusal } from '@cioscale/customerio';
import type { TargetOptions } from './target.js';

/**
 * What a dry run must refuse besides core's validation: the operations the run's sink refuses before it
 * sends anything. A real `--api pipelines` run rejects an operation Pipelines cannot express (an `_update`
 * identify, a person named by phone) or an entry over 32 KB in the transport, row by row; a dry run asks the
 * same function (`pipelinesRefusal`, the transport's own mapping), so it names the same rows with the same
 * reasons. The Track transport sends whatever core validated, so it adds nothing.
 */
export function dryRunRefusals(target: TargetOptions): ((envelope: Envelope) => Rejection | undefined) | undefined {
  const api = target.kind === 'embedded' ? target.api : target.sink.api;
  return api === 'pipelines' ? pipelinesRefusal : undefined;
}
