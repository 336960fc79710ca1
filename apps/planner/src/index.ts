/** The planner as a library: the model, its constants and the overlay it writes (the bin is `cli.ts`). */
export * from './constants.js';
export { writeOverlay, REPOSITORY_K8S_DIR } from './overlay.js';
export { planCapacity, type Limit, type Plan, type PlanInput, type Region } from './plan.js';
