export { type BackgroundRefresher, createBackgroundRefresher } from './background.js';
export { REFRESH_REASONS } from './outcomes.js';
export { timingFrom } from './policy.js';
export { createTokenRefresher, type RefreshOptions, type TokenRefresher } from './refresher.js';
export type { RefreshListener, RefreshOutcome } from './settled.js';
export { grantTokenSet, scheduleDue } from './token-set.js';
