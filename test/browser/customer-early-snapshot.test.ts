/**
 * The first snapshot is walked while WebRTC connects (consent is given by
 * then), and its parts wait in the customer's channel until the data channel
 * opens. Against the real server, the real element and session, real WebRTC
 * to a simulated agent in the same page. What is checked, by instrumenting
 * the page rather than reading the session's own state:
 * - the customer's deflate worker was handed snapshot bytes before the data
 *   channel opened (the agent's answer is held back until then, so the old
 *   order, capture on open, never gets there and the test fails);
 * - every send on the customer's data channel happened with it open, and the
 *   agent decodes a whole snapshot from part 0 on;
 * - page changes made during that early walk, and after it while still
 *   connecting, reach the agent: its mirror (snapshot then diffs) equals one
 *   built from a fresh snapshot, and holds every item the page added;
 * - paused while connecting, what was walked is dropped, not the connection:
 *   the agent's answer and ICE candidates for the offer made before the
 *   pause, arriving after it, open that same connection (one data channel,
 *   no failure and retry), and nothing walked before the pause reaches the
 *   agent, whose fresh inflater decodes a fresh snapshot;
 * - a retry after a failed connection walks nothing before its channel
 *   opens (page-created MessageChannels, which each walk and flush make);
 * - an early walk whose connection does not open in time is given up (its
 *   deflate worker ends, nothing more is compressed), and when the channel
 *   opens at last the agent gets a snapshot of the page as it is then;
 * - an agent that comes back gets a new connection with its own snapshot on
 *   its own deflate stream (a fresh inflater decodes it), again nothing sent
 *   before that channel opened.
 */
import { expect } from '@open-wc/testing';
import type { ChannelMessage } from '../../shared/protocol.js';
import type { CobrowseSession } from '../../client/cobrowse-session.js';
import { CaptureTestMirror } from './helpers/capture-mirror.js';
import { SimulatedAgent } from './helpers/customer-agent.js';
import {
  SERVER_URL,
  addElement,
  buttonNamed,
  createTestSession,
  indicatorText,
  until,
} from './helpers/customer-page.js';

/**
 * Messages posted to workers by this page. The session bundle takes Worker from the page once, when it is
 * first evaluated (while the first prompt shows), so the count is installed once, before any test.
 */
let workerPosts = 0;
/** Workers terminated by this page (each customer channel's deflater ends its own). */
let workerEnds = 0;
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  override terminate(): void {
    workerEnds += 1;
    super.terminate();
  }

  override postMessage(message: unknown, options?: Transferable[] | StructuredSerializeOptions): void {
    workerPosts += 1;
    if (Array.isArray(options)) super.postMessage(message, options);
    else super.postMessage(message, options);
  }
};

/** What the page saw of the customer's data channels and deflate worker. */
class ChannelWatch {
  /** Each customer data channel's sends, with its state at the time. */
  readonly sends: { channel: number; state: RTCDataChannelState }[] = [];
  /** Messages handed to any worker since install (the deflate worker is the only one the session starts). */
  get workerPosts(): number {
    return workerPosts - this.#postsAtInstall;
  }
  /** For each customer data channel, the worker posts made before its open event. */
  readonly postsBeforeOpen: number[] = [];
  /** For each customer data channel, the MessageChannels the page made from its creation to its open event. */
  readonly portsBeforeOpen: number[] = [];
  #ports = 0;
  /** MessageChannels the page made since install. */
  get ports(): number {
    return this.#ports;
  }
  readonly #restore: (() => void)[] = [];
  #postsAtInstall = 0;

  install(): this {
    const watch = this;
    this.#postsAtInstall = workerPosts;
    // The capture's slice yield and flush schedule each make one (client/capture/): a walk under way.
    const NativeMessageChannel = window.MessageChannel;
    window.MessageChannel = class extends NativeMessageChannel {
      constructor() {
        super();
        watch.#ports += 1;
      }
    };
    this.#restore.push(() => (window.MessageChannel = NativeMessageChannel));
    const createDataChannel = RTCPeerConnection.prototype.createDataChannel;
    RTCPeerConnection.prototype.createDataChannel = function (
      this: RTCPeerConnection,
      label: string,
      init?: RTCDataChannelInit,
    ): RTCDataChannel {
      const channel = createDataChannel.call(this, label, init);
      const index = watch.postsBeforeOpen.length;
      watch.postsBeforeOpen.push(-1);
      watch.portsBeforeOpen.push(-1);
      const portsAtCreate = watch.#ports;
      // Added before the session's own onopen handler can run: the state as the channel opens.
      channel.addEventListener('open', () => {
        watch.postsBeforeOpen[index] = watch.workerPosts;
        watch.portsBeforeOpen[index] = watch.#ports - portsAtCreate;
      });
      const send = channel.send.bind(channel) as (data: Uint8Array<ArrayBuffer>) => void;
      Object.defineProperty(channel, 'send', {
        value: (data: Uint8Array<ArrayBuffer>) => {
          watch.sends.push({ channel: index, state: channel.readyState });
          send(data);
        },
      });
      return channel;
    };
    this.#restore.push(() => (RTCPeerConnection.prototype.createDataChannel = createDataChannel));
    return this;
  }

  uninstall(): void {
    for (const restore of this.#restore.splice(0)) restore();
  }
}

/** Holds the agent's WebRTC signals (its answer) until `release` is called, then sends them in order. */
function holdSignals(agent: SimulatedAgent): { release: () => void; discard: () => void; held: () => number } {
  const signaling = agent.signaling;
  const send = signaling.send.bind(signaling);
  const held: Parameters<typeof send>[0][] = [];
  let holding = true;
  signaling.send = (message) => {
    if (holding && message.t === 'signal') held.push(message);
    else send(message);
  };
  return {
    release: () => {
      holding = false;
      for (const message of held.splice(0)) send(message);
    },
    discard: () => {
      holding = false;
      held.length = 0;
    },
    held: () => held.length,
  };
}

const LIST_ITEMS = 1_500;
const PAGE = `<main id="early-page" style="font:14px system-ui">
  <h1 id="title">Orders</h1>
  <ul id="orders">${Array.from({ length: LIST_ITEMS }, (_, i) => `<li class="o${i % 7}">Order <b>${i}</b> shipped</li>`).join('')}</ul>
</main>`;

const isFinalPart = (m: ChannelMessage): boolean => m.t === 'snapshot' && m.final === true;

describe('customer: the first snapshot walked while WebRTC connects', () => {
  let watch: ChannelWatch | null = null;
  let element: CobrowseSession | null = null;
  const agents: SimulatedAgent[] = [];

  beforeEach(() => {
    document.body.insertAdjacentHTML('beforeend', PAGE);
  });
  afterEach(() => {
    element?.end();
    element?.remove();
    element = null;
    for (const agent of agents.splice(0)) agent.close();
    watch?.uninstall();
    watch = null;
    document.getElementById('early-page')?.remove();
    sessionStorage.clear();
  });

  /** Offer and Allow with the agent waiting; its answer held until `beforeAnswer` resolved. */
  async function allowWithHeldAnswer(
    beforeAnswer: () => Promise<unknown>,
  ): Promise<{ agent: SimulatedAgent; agentToken: string }> {
    watch = new ChannelWatch().install();
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    const answer = element.offer(session.inviteCode);
    await element.updateComplete;
    const agent = await joinWithHeldAnswer(session.agentToken, beforeAnswer, () => {
      buttonNamed(element!, 'Allow sharing').click();
    });
    expect(await answer).to.equal('granted');
    return { agent, agentToken: session.agentToken };
  }

  /** An agent joins; `trigger` makes the customer offer; the answer waits for `beforeAnswer`. */
  async function joinWithHeldAnswer(
    agentToken: string,
    beforeAnswer: () => Promise<unknown>,
    trigger: () => void = () => {},
  ): Promise<SimulatedAgent> {
    const agent = new SimulatedAgent(SERVER_URL, agentToken);
    agents.push(agent);
    const hold = holdSignals(agent);
    trigger();
    await until(() => hold.held() > 0, 'the agent’s answer (held)');
    await beforeAnswer();
    hold.release();
    await agent.waitConnected();
    return agent;
  }

  it('packs the snapshot before the data channel opens, and sends nothing on it before', async () => {
    const { agent } = await allowWithHeldAnswer(() =>
      until(() => watch!.workerPosts > 0, 'snapshot bytes handed to the deflate worker before the channel opened'),
    );
    await agent.waitFor(isFinalPart);
    const w = watch!;
    expect(w.postsBeforeOpen, 'one customer data channel').to.have.length(1);
    expect(w.postsBeforeOpen[0], 'worker posts before the open event').to.be.greaterThan(0);
    expect(w.sends.length, 'sends on the data channel').to.be.greaterThan(0);
    expect(
      w.sends.filter((s) => s.state !== 'open'),
      'sends before the channel was open',
    ).to.deep.equal([]);
    // The agent's stream starts with the snapshot's part 0 and decodes whole (the held parts came in order).
    const first = agent.received[0];
    expect(first?.t === 'snapshot' && first.part === 0, `first message ${JSON.stringify(first?.t)}`).to.equal(true);
    await until(() => indicatorText(element!) === 'Sharing this tab with Dana', 'the live indicator');

    // Control: the recorder does see a send on a channel that is not open yet (the browser refuses it).
    const pc = new RTCPeerConnection({ iceServers: [] });
    const early = pc.createDataChannel('control');
    expect(() => early.send(new Uint8Array([1]))).to.throw();
    pc.close();
    expect(w.sends.at(-1)?.state).to.equal('connecting');
  });

  it('a page changed during the early walk reaches the agent whole', async () => {
    const list = document.getElementById('orders')!;
    let added = 0;
    const { agent } = await allowWithHeldAnswer(async () => {
      // From the first packed part (the walk has begun) to the answer: a change in every task, while the walk
      // goes on and after it ended, all before the channel opens.
      await until(() => watch!.workerPosts > 0, 'the walk under way');
      for (let round = 0; round < 40; round++) {
        const item = document.createElement('li');
        item.textContent = `Added ${added++}`;
        list.insertBefore(item, list.children[(round * 37) % list.children.length] ?? null);
        list.children[round * 11]?.remove();
        document.getElementById('title')!.textContent = `Orders (${round})`;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    });
    // One more change once open: the agent has everything before it when this arrives.
    const marker = document.createElement('p');
    marker.id = 'early-done';
    marker.textContent = 'done';
    document.getElementById('early-page')!.append(marker);
    await agent.waitFor((m) => m.t === 'mutations' && m.adds.some((n) => n.kind === 'text' && n.text === 'done'));
    expect(watch!.postsBeforeOpen[0], 'snapshot bytes packed before the channel opened').to.be.greaterThan(0);

    const upToNow = new CaptureTestMirror();
    for (const message of agent.received) upToNow.apply(message);
    const seen = agent.received.length;
    agent.send({ t: 'resync', lastSeq: null });
    await until(() => agent.received.slice(seen).find(isFinalPart), 'the fresh snapshot asked for');
    const fresh = new CaptureTestMirror();
    const start = agent.received.findIndex((m, i) => i >= seen && m.t === 'snapshot' && m.part === 0);
    for (const message of agent.received.slice(start)) {
      fresh.apply(message);
      if (isFinalPart(message)) break;
    }
    expect(upToNow.canonical()).to.equal(fresh.canonical());
    // Independent of the capture: every item the page holds, in its order, is in the mirror kept by diffs.
    const texts = Array.from(list.children, (li) => li.textContent ?? '');
    const canonical = upToNow.canonical();
    let from = 0;
    for (const text of texts.filter((t) => t.startsWith('Added '))) {
      const at = canonical.indexOf(`"${text}"`, from);
      expect(at, `${text} in the agent's mirror, in order`).to.be.greaterThan(-1);
      from = at;
    }
    expect(texts.filter((t) => t.startsWith('Added ')).length).to.be.greaterThan(0);
    expect(canonical).to.contain('"Orders (39)"');
  });

  it('paused while connecting: the same connection opens, nothing walked before the pause is sent, the snapshot on resume is fresh', async () => {
    watch = new ChannelWatch().install();
    const title = document.getElementById('title')!;
    title.textContent = 'walked before the pause';
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    const answer = element.offer(session.inviteCode);
    await element.updateComplete;
    const agent = new SimulatedAgent(SERVER_URL, session.agentToken);
    agents.push(agent);
    const hold = holdSignals(agent);
    buttonNamed(element, 'Allow sharing').click();
    expect(await answer).to.equal('granted');
    await until(() => hold.held() > 0 && watch!.workerPosts > 0, 'the walk under way, the answer held');
    element.pause();
    title.textContent = 'changed while paused';
    // The agent's answer and ICE candidates for the offer made before the pause arrive after it.
    hold.release();
    await agent.waitConnected();
    element.resume();
    await agent.waitFor(isFinalPart);
    const first = agent.received[0];
    expect(first?.t === 'snapshot' && first.part === 0, `first message ${JSON.stringify(first?.t)}`).to.equal(true);
    const everything = JSON.stringify(agent.received);
    expect(everything).to.contain('changed while paused');
    expect(everything, 'what was walked before the pause').to.not.contain('walked before the pause');
    expect(watch!.sends.filter((s) => s.state !== 'open')).to.deep.equal([]);
    // One connection, opened by the answer to its own offer: no second offer, no failed answer and retry.
    expect(watch!.postsBeforeOpen, 'customer data channels').to.have.length(1);
    expect(watch!.sends.length).to.be.greaterThan(0);
    // The agent's mirror from that stream is the page: the same as one built from a snapshot asked for now.
    const upToNow = new CaptureTestMirror();
    for (const message of agent.received) upToNow.apply(message);
    const seen = agent.received.length;
    agent.send({ t: 'resync', lastSeq: null });
    await until(() => agent.received.slice(seen).find(isFinalPart), 'the fresh snapshot asked for');
    const fresh = new CaptureTestMirror();
    for (const message of agent.received.slice(seen)) {
      fresh.apply(message);
      if (isFinalPart(message)) break;
    }
    expect(upToNow.canonical()).to.equal(fresh.canonical());
    expect(upToNow.canonical()).to.contain('"changed while paused"');
  });

  it('a retry after a failed connection walks nothing before its channel opens', async () => {
    watch = new ChannelWatch().install();
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    const answer = element.offer(session.inviteCode);
    await element.updateComplete;
    const agent = new SimulatedAgent(SERVER_URL, session.agentToken);
    agents.push(agent);
    // The agent's first answer is not SDP: the customer's first connection fails, and it tries again.
    const signaling = agent.signaling;
    const send = signaling.send.bind(signaling);
    let answers = 0;
    signaling.send = (message) => {
      if (message.t === 'signal' && message.data.type === 'answer' && answers++ === 0)
        send({ ...message, data: { type: 'answer', sdp: 'v=0\r\nnot an answer\r\n' } });
      else send(message);
    };
    buttonNamed(element, 'Allow sharing').click();
    expect(await answer).to.equal('granted');
    await agent.waitConnected();
    await agent.waitFor(isFinalPart);
    const w = watch!;
    expect(w.postsBeforeOpen, 'customer data channels: the failed one, the retry').to.have.length(2);
    expect(w.portsBeforeOpen[0], 'the first attempt never opened').to.equal(-1);
    expect(w.portsBeforeOpen[1], 'walks and flushes started for the retry before its channel opened').to.equal(0);
    const head = agent.received[0];
    expect(head?.t === 'snapshot' && head.part === 0, `first message ${JSON.stringify(head?.t)}`).to.equal(true);
    await until(() => indicatorText(element!) === 'Sharing this tab with Dana', 'live');
    // Control: the count sees a MessageChannel the page makes.
    const before = w.ports;
    new MessageChannel().port1.close();
    expect(w.ports).to.equal(before + 1);
  });

  it('an early walk not connected in time is given up; the channel that opens later carries a fresh snapshot', async function () {
    // The early walk's deadline is 10 s (EARLY_WALK_MS): this test waits for it.
    this.timeout(40_000);
    watch = new ChannelWatch().install();
    const title = document.getElementById('title')!;
    title.textContent = 'walked early';
    const session = await createTestSession({ agentName: 'Dana' });
    element = await addElement();
    const answer = element.offer(session.inviteCode);
    await element.updateComplete;
    const agent = new SimulatedAgent(SERVER_URL, session.agentToken);
    agents.push(agent);
    const hold = holdSignals(agent);
    const endsBefore = workerEnds;
    buttonNamed(element, 'Allow sharing').click();
    expect(await answer).to.equal('granted');
    await until(() => hold.held() > 0 && watch!.workerPosts > 0, 'the walk under way, the answer held');
    await until(() => workerEnds > endsBefore, 'the early walk given up (its deflate worker ended)', 20_000);
    // Nothing runs any more: a change to the page is neither observed nor compressed until the channel opens.
    const posts = watch!.workerPosts;
    const ports = watch!.ports;
    title.textContent = 'changed after giving up';
    for (let i = 0; i < 5; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(watch!.workerPosts, 'worker posts after giving up').to.equal(posts);
    expect(watch!.ports, 'walks or flushes started after giving up').to.equal(ports);
    hold.release();
    await agent.waitConnected();
    await agent.waitFor(isFinalPart);
    expect(watch!.postsBeforeOpen, 'the same connection').to.have.length(1);
    expect(watch!.sends.filter((s) => s.state !== 'open')).to.deep.equal([]);
    const head = agent.received[0];
    expect(head?.t === 'snapshot' && head.part === 0, `first message ${JSON.stringify(head?.t)}`).to.equal(true);
    const everything = JSON.stringify(agent.received);
    expect(everything).to.contain('changed after giving up');
    expect(everything, 'what was walked early').to.not.contain('walked early');
  });

  it('an agent who comes back gets its own connection, stream and fresh snapshot, walked before it opens', async () => {
    const { agent: first, agentToken } = await allowWithHeldAnswer(() =>
      until(() => watch!.workerPosts > 0, 'the walk under way'),
    );
    await first.waitFor(isFinalPart);
    await until(() => indicatorText(element!) === 'Sharing this tab with Dana', 'the live indicator');
    // The console closes; the customer waits; the agent opens the same link again.
    first.close();
    await until(() => indicatorText(element!).startsWith('Waiting for'), 'the customer waiting for the agent');
    const postsBefore = watch!.workerPosts;
    const second = await joinWithHeldAnswer(agentToken, () =>
      until(() => watch!.workerPosts > postsBefore, 'the new snapshot under way before the new channel opened'),
    );
    await second.waitFor(isFinalPart);
    const w = watch!;
    expect(w.postsBeforeOpen, 'a second customer data channel').to.have.length(2);
    expect(w.postsBeforeOpen[1]!, 'worker posts before the second channel opened').to.be.greaterThan(postsBefore);
    expect(
      w.sends.filter((s) => s.state !== 'open'),
      'sends before a channel was open',
    ).to.deep.equal([]);
    expect(w.sends.some((s) => s.channel === 1)).to.equal(true);
    // Its own stream: the new agent's fresh inflater decodes it from the first byte, and it starts with part 0.
    const head = second.received[0];
    expect(head?.t === 'snapshot' && head.part === 0, `first message ${JSON.stringify(head?.t)}`).to.equal(true);
    await until(() => indicatorText(element!) === 'Sharing this tab with Dana', 'live again');
  });
});
