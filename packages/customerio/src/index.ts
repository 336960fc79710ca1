export { createTrackTransport, type TrackTransport, type TrackTransportOptions } from './createTrackTransport.js';
export { classifyError, operationErrorsOf } from './classifyError.js';
export { readCustomerioEnv, type CustomerioEnv } from './env.js';
export { displayUrl, isRegion, trackV1Url, type Region } from './region.js';
