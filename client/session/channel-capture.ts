/**
 * One capture run feeding one data channel: the agent seat's and each
 * viewer's connection get their own (own node ids, own deflate stream, own
 * snapshot), so a viewer who joins never disturbs what the others receive.
 */
import type { CobrowseChannel } from '../../shared/channel.js';
import { markStage } from '../../shared/stage-marks.js';
import { assetOptionsFrom } from '../capture/assets.js';
import { canvasOptionsFrom } from '../capture/canvas.js';
import { CaptureEngine } from '../capture/capture-engine.js';
import { frameOptionsFrom } from '../capture/frame-bridge.js';
import type { MaskConfig } from '../capture/mask-dom.js';
import { pristine } from '../pristine.js';
import type { SessionHost } from '../session-api.js';

export interface ChannelCaptureDeps {
  window: Window & typeof globalThis;
  mask: MaskConfig;
  host: SessionHost;
  /** Record the stage marks of the startup path (the agent seat's connection only). */
  marks: boolean;
  /**
   * Runs once the first snapshot was walked (and its parts are on the data channel), or abandoned by a
   * stop: work that should not delay it.
   */
  afterSnapshot?: () => void;
  /** Before each snapshot slice, a promise to wait for first (ConnectingHold), or null. */
  holdSlices?: () => Promise<void> | null;
}

/**
 * Capture starts when it is called, whether the data channel is open or not:
 * on a connection's first attempt the session starts the agent seat's as soon
 * as its peer exists (consent is given by then; a retry's starts on open), and
 * what it sends waits in the channel, compressed, until the data channel opens
 * (or, paused or not open after 10 s, the session drops it with the channel). Slices while the customer handles the agent's
 * answer and ICE candidates delayed ICE by 70-120 ms (bench/allow.mjs, 2026-11-25
 * and again now): `holdSlices` lets the session pause the walk meanwhile.
 */
export function startChannelCapture(channel: CobrowseChannel, deps: ChannelCaptureDeps): CaptureEngine {
  const { host, marks } = deps;
  const capture = new CaptureEngine({
    window: deps.window,
    // Under backpressure the engine stops producing diffs and sends a fresh snapshot once drained.
    send: (message) => {
      const sent = !channel.congested && channel.send(message);
      if (marks && sent && message.t === 'snapshot') {
        markStage(message.final ? 'snapshot-last-part' : 'snapshot-first-part');
        if (message.final) channel.afterSent(() => markStage('snapshot-last-part-out'));
      }
      return sent;
    },
    mask: deps.mask,
    canvas: canvasOptionsFrom(host.uiRoot),
    assets: assetOptionsFrom(host.uiRoot),
    frames: frameOptionsFrom(host.uiRoot),
    backlogBytes: () => channel.backlogBytes,
    ...(deps.holdSlices ? { holdSlices: deps.holdSlices } : {}),
    isOwnUi: (node) => node === host.uiRoot || pristine.contains.call(host.uiRoot, node),
    onFailure: (reason) => {
      const message = `The customer's page could not be shared: ${reason}`;
      // Before the data channel opens (the first snapshot is walked while WebRTC connects) it waits in the channel.
      channel.send({ t: 'error', code: 'INTERNAL', message });
      host.onCaptureFailed?.(reason);
    },
  });
  channel.on('drain', () => capture.drained());
  if (marks) markStage('snapshot-start');
  const afterSnapshot = deps.afterSnapshot;
  // Once the parts are out of the deflate worker and on the channel: main-thread work run as soon as the walk
  // ends (the hidden areas' outlines, 40-80 ms at 10k nodes) held the last parts' compressed bytes back.
  void capture.start().then(() => afterSnapshot && channel.afterSent(afterSnapshot));
  return capture;
}
