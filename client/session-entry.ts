/** The session bundle, fetched by the loader only after the customer allows sharing (or a parent page's capture joins this frame). */
import type { StartFrame, StartSession } from './session-api.js';
import { adoptPristine } from './pristine.js';
import { CustomerSession } from './session/customer-session.js';
import { startFrameCapture } from './capture/frame-child.js';
import { warmUpCapture } from './capture/warm-up.js';
import { markStage } from '../shared/stage-marks.js';

export const startSession: StartSession = (options) => {
  // The loader's references were taken when the page loaded, before anything it loaded later could patch them.
  adoptPristine(options.host.pristine);
  return new CustomerSession(options);
};

/** A cross-origin iframe's capture, joined by the parent page's (client/frame-listener.ts). */
export const startFrame: StartFrame = (options) => {
  adoptPristine(options.pristine);
  return startFrameCapture(options);
};

/** While the consent prompt shows: the capture code runs once on a made-up document (capture/warm-up.ts). */
export const warmUp = (): (() => void) => {
  markStage('session-evaluated');
  return warmUpCapture().stop;
};
