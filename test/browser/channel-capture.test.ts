/**
 * startChannelCapture's afterSnapshot: work that must not delay the first
 * snapshot (the "Hidden from" outlines, which read every field's labels and
 * force a layout every frame) runs only once the snapshot's final part went
 * to the channel. The data channel is replaced by a recorder of what this
 * page hands it: the order of calls on this page is what is under test, and a
 * real WebRTC link adds nothing to it (customer-live and the e2e tests run
 * the real one). Also: hiddenElements finds fields by their <label for> text
 * through the capture's LabelIndex, as masking does.
 */
import { expect } from '@open-wc/testing';
import type { CobrowseChannel } from '../../shared/channel.js';
import type { ChannelMessage } from '../../shared/protocol.js';
import { createMaskConfig } from '../../client/capture/mask-dom.js';
import { startChannelCapture } from '../../client/session/channel-capture.js';
import { hiddenElements } from '../../client/session/hidden-areas.js';
import type { SessionHost } from '../../client/session-api.js';

/** The parts of CobrowseChannel the capture uses, recording what it is given. */
function recordingChannel(log: string[]): CobrowseChannel {
  const channel = {
    open: true,
    congested: false,
    backlogBytes: 0,
    send(message: ChannelMessage): boolean {
      log.push(message.t === 'snapshot' ? `snapshot ${message.final ? 'final' : 'part'}` : message.t);
      return true;
    },
    on: () => () => {},
  };
  return channel as unknown as CobrowseChannel;
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

  it('runs afterSnapshot once, after the final snapshot part was handed to the channel', async () => {
    const log: string[] = [];
    let after!: () => void;
    const done = new Promise<void>((resolve) => (after = resolve));
    const capture = startChannelCapture(recordingChannel(log), {
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
    const final = log.indexOf('snapshot final');
    expect(final).to.be.greaterThan(-1);
    expect(log.indexOf('right after start')).to.be.lessThan(final);
    expect(log.indexOf('after')).to.be.greaterThan(final);
    expect(log.filter((entry) => entry === 'after')).to.have.length(1);
  });

  it('still runs afterSnapshot when the capture is stopped during its snapshot', async () => {
    const log: string[] = [];
    const done = new Promise<void>((resolve) => {
      const capture = startChannelCapture(recordingChannel(log), {
        window,
        mask: createMaskConfig(),
        host: hostFor(ui),
        marks: false,
        afterSnapshot: resolve,
      });
      capture.stop();
    });
    await done;
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
