/** Wire-dump page bundle: our capture engine, every ChannelMessage kept as the customer would send it. */
import { CaptureEngine } from '../../client/capture/capture-engine.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { runActivity } from './measure.js';

let engine: CaptureEngine | null = null;
let messages: ChannelMessage[] = [];

function startEngine(): CaptureEngine {
  // A structured clone now, so later edits of the same objects by the engine cannot change what was "sent".
  const send = (message: ChannelMessage): boolean => {
    messages.push(structuredClone(message));
    return true;
  };
  return new CaptureEngine({ window, send });
}

async function snapshot(): Promise<ChannelMessage[]> {
  messages = [];
  engine = startEngine();
  await engine.start();
  const out = messages;
  messages = [];
  return out;
}

/** The steady page's snapshot, kept by steady() (the stream's history the steady messages follow). */
let steadySnapshot: ChannelMessage[] = [];

async function steady(durationMs: number): Promise<ChannelMessage[]> {
  steadySnapshot = await snapshot();
  await new Promise((resolve) => setTimeout(resolve, 200));
  steadySnapshot.push(...messages);
  messages = [];
  await runActivity(durationMs);
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const out = messages;
  messages = [];
  return out;
}

function stop(): void {
  engine?.stop();
  engine = null;
}

Object.assign(window, { __wire: { snapshot, steady, steadySnapshot: () => steadySnapshot, stop } });
