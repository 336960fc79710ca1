export { createTrackTransport, type TrackTransport, type TrackTransportOptions } from './createTrackTransport.js';
export { createTransport, type Sink, type SinkConfig } from './createTransport.js';
export { classifyError, operationErrorsOf } from './classifyError.js';
export { readCustomerioEnv, type CustomerioApi, type CustomerioEnv } from './env.js';
export {
  classifyPipelinesStatus,
  createPipelinesTransport,
  PIPELINES_BATCH_MAX_BYTES,
  PIPELINES_LIMITS,
  type PipelinesTransport,
  type PipelinesTransportOptions,
} from './createPipelinesTransport.js';
export { isUnmappable, SEMANTIC_EVENTS, toPipelinesEntry, type PipelinesEntry, type Unmappable } from './toPipelinesEntry.js';
export { pipelinesEntryJson, pipelinesRefusal } from './pipelinesEntryJson.js';
export { pipelinesUrl } from './pipelinesRegion.js';
export { displayUrl, isRegion, trackV1Url, type Region } from './region.js';
