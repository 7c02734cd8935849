/**
 * startChannelCapture's afterSnapshot: work that must not delay the first
 * snapshot (the "Hidden from" outlines, which read every field's labels and
 * force a layout every frame) runs only once the snapshot's final part is on
 * the data channel: handed to the channel is not enough, its bytes come back
 * from the deflate worker later, and main-thread work run meanwhile held
 * them back (40-80 ms at 10k nodes). The channel is the real CobrowseChannel
 * with the real worker deflater; the WebRTC transport under it is replaced by
 * a recorder of the bytes it is given: the order of calls on this page is
 * what is under test, and a real link adds nothing to it (customer-live and
 * the e2e tests run the real one). Also: hiddenElements finds fields by their
 * <label for> text through the capture's LabelIndex, as masking does.
 */
import { expect } from '@open-wc/testing';
import { CobrowseChannel } from '../../shared/channel.js';
import { OffloadedDeflater } from '../../shared/deflate-offload.js';
import type { PeerTransport } from '../../shared/peer-transport.js';
import { createMaskConfig } from '../../client/capture/mask-dom.js';
import { startChannelCapture } from '../../client/session/channel-capture.js';
import { hiddenElements } from '../../client/session/hidden-areas.js';
import type { SessionHost } from '../../client/session-api.js';

const MODULE_URL = new URL('/shared/cobrowse-deflate.js', location.href).href;

/** A connected transport that records each message's bytes as 'on the wire'. */
function recordingTransport(log: string[]): PeerTransport {
  return {
    signal: () => {},
    send: () => void log.push('bytes on the wire'),
    bufferedAmount: 0,
    connected: true,
    on: () => () => {},
    close: () => {},
    selectedCandidatePair: () => Promise.resolve(null),
  };
}

/** The real channel (worker deflater) over the recording transport; logs each snapshot part handed to it. */
function recordingChannel(log: string[]): CobrowseChannel {
  const channel = new CobrowseChannel(recordingTransport(log), {
    role: 'customer',
    deflater: () => new OffloadedDeflater(MODULE_URL),
  });
  const send = channel.send.bind(channel);
  channel.send = (message) => {
    if (message.t === 'snapshot') log.push(`snapshot ${message.final ? 'final' : 'part'} handed over`);
    return send(message);
  };
  return channel;
}

function hostFor(uiRoot: HTMLElement): SessionHost {
  return {
    uiRoot,
    overlayContainer: uiRoot,
    maskSelectors: [],
    blockSelectors: [],
    navigationOrigins: [],
    onState: () => {},
    requestControl: () => Promise.resolve(false),
    onControl: () => {},
  };
}

describe('startChannelCapture', () => {
  let page: HTMLElement;
  let ui: HTMLElement;
  beforeEach(() => {
    page = document.createElement('main');
    page.innerHTML = Array.from({ length: 400 }, (_, i) => `<p class="p${i}">Paragraph <b>${i}</b> text</p>`).join('');
    ui = document.createElement('div');
    document.body.append(page, ui);
  });
  afterEach(() => {
    page.remove();
    ui.remove();
  });

  it('runs afterSnapshot once, after the final snapshot part’s bytes are on the data channel', async () => {
    const log: string[] = [];
    let after!: () => void;
    const done = new Promise<void>((resolve) => (after = resolve));
    const channel = recordingChannel(log);
    const capture = startChannelCapture(channel, {
      window,
      mask: createMaskConfig(),
      host: hostFor(ui),
      marks: false,
      afterSnapshot: () => {
        log.push('after');
        after();
      },
    });
    // Control: something run right after the capture started lands before the final part, so the oracle can fail.
    log.push('right after start');
    await done;
    capture.stop();
    channel.close();
    const final = log.indexOf('snapshot final handed over');
    expect(final).to.be.greaterThan(-1);
    expect(log.indexOf('right after start')).to.be.lessThan(final);
    // Every part handed over has its bytes on the wire before 'after' (the worker answers in a later task).
    const after_ = log.indexOf('after');
    const handed = log.filter((entry) => entry.endsWith('handed over')).length;
    expect(log.slice(0, after_).filter((entry) => entry === 'bytes on the wire')).to.have.length(handed);
    // Control: the final part's bytes were not on the wire yet when it was handed over (running at hand-over fails).
    expect(log.slice(0, final + 1).filter((entry) => entry === 'bytes on the wire').length).to.be.lessThan(handed);
    expect(log.filter((entry) => entry === 'after')).to.have.length(1);
  });

  it('still runs afterSnapshot when the capture is stopped during its snapshot', async () => {
    const log: string[] = [];
    const channel = recordingChannel(log);
    const done = new Promise<void>((resolve) => {
      const capture = startChannelCapture(channel, {
        window,
        mask: createMaskConfig(),
        host: hostFor(ui),
        marks: false,
        afterSnapshot: resolve,
      });
      capture.stop();
    });
    await done;
    channel.close();
  });

  it('runs what waits for the sent messages when the channel closes first', async () => {
    const log: string[] = [];
    const channel = recordingChannel(log);
    channel.send({ t: 'ping', ts: 1 });
    const ran = new Promise<void>((resolve) => channel.afterSent(resolve));
    channel.close();
    await ran;
  });
});

describe('hiddenElements', () => {
  it('outlines a field named only by its <label for>, and not a clear one (LabelIndex, as masking reads labels)', () => {
    const form = document.createElement('form');
    form.innerHTML = `<label for="hx-cc">Card number</label><input id="hx-cc">
      <label for="hx-city">City</label><input id="hx-city">`;
    document.body.append(form);
    try {
      const found = hiddenElements(document, createMaskConfig()).filter((el) => form.contains(el));
      expect(found.map((el) => el.id)).to.deep.equal(['hx-cc']);
    } finally {
      form.remove();
    }
  });
});
