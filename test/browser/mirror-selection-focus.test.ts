/**
 * The first cause of lost keystrokes (issue 13): the customer's selection
 * frames were replayed into the mirror while the agent typed in a mirrored
 * field, and removeAllRanges() took the agent's caret out of the field. A
 * selection frame now leaves a field the agent has focus in alone; with focus
 * elsewhere it is still replayed (the control).
 */
import { expect } from '@open-wc/testing';
import { mountMirror, NodeBuilder, parseFrame, snapshotFrame, type MountedMirror } from './helpers/mirror-frames.js';

describe('mirror selection replay and the agent’s focus', () => {
  let mounted: MountedMirror | null = null;
  let paragraphText = 0;
  afterEach(() => {
    mounted?.unmount();
    mounted = null;
  });

  function mount(): { doc: Document; input: HTMLInputElement } {
    mounted = mountMirror();
    const b = new NodeBuilder();
    const { body } = b.page();
    b.el(body, 'input', { id: 'street' }, { value: '221B Baker' });
    paragraphText = b.text(b.el(body, 'p', { id: 'para' }), 'Some text the customer selects');
    mounted.mirror.apply(snapshotFrame(b.nodes));
    const doc = mounted.doc();
    const input = doc.querySelector('#street') as HTMLInputElement;
    return { doc, input };
  }

  it('keeps the agent’s caret in the field it types in, whatever the customer selects', () => {
    const { doc, input } = mount();
    input.focus();
    input.setSelectionRange(4, 4);
    mounted!.mirror.apply(parseFrame({ t: 'selection', seq: 1, ranges: [] }));
    mounted!.mirror.apply(
      parseFrame({
        t: 'selection',
        seq: 2,
        ranges: [{ start: paragraphText, startOffset: 0, end: paragraphText, endOffset: 4 }],
      }),
    );
    expect(doc.activeElement).to.equal(input);
    expect([input.selectionStart, input.selectionEnd]).to.deep.equal([4, 4]);
    expect(mounted!.mirror.stats.applyFailures).to.equal(0);
  });

  it('control: with the agent’s focus outside a field, the customer’s selection is shown', () => {
    const { doc } = mount();
    mounted!.mirror.apply(
      parseFrame({
        t: 'selection',
        seq: 1,
        ranges: [{ start: paragraphText, startOffset: 0, end: paragraphText, endOffset: 4 }],
      }),
    );
    expect(doc.getSelection()?.toString()).to.equal('Some');
  });
});
