/**
 * Data channel messages that carry the page (customer -> agent): DOM frames,
 * which carry `seq` (one counter per stream of DOM frames; a receiver that sees
 * a gap asks for a resync), and the page's assets.
 */
import * as z from 'zod/mini';
import { coord, nodeId, seq, shortText, url } from './fields.js';
import { formStateFields, serializedNode } from './nodes.js';

const domFrame = { seq } as const;

/**
 * How the agent's browser gets the page's images, sprites, fonts and posters:
 * 'channel', only from the customer over the data channel (it never fetches
 * from the page's sites); 'fallback', what the customer cannot send it loads
 * itself; 'direct', it loads all of them itself (no asset is sent).
 */
export const assetPolicy = z.enum(['channel', 'fallback', 'direct']);
export type AssetPolicy = z.infer<typeof assetPolicy>;

export const snapshotFrame = z.strictObject({
  t: z.literal('snapshot'),
  ...domFrame,
  /** A large snapshot arrives in parts (time slices); the mirror is built when `final`. */
  part: z.number().check(z.int(), z.nonnegative()),
  final: z.boolean(),
  url,
  title: shortText,
  viewportWidth: coord,
  viewportHeight: coord,
  devicePixelRatio: coord,
  scrollX: coord,
  scrollY: coord,
  nodes: z.array(serializedNode),
  /** Constructed stylesheets adopted by the document. */
  adopted: z.optional(z.array(z.string().check(z.maxLength(1_000_000)))),
  focus: z.optional(z.nullable(nodeId)),
  /** Absent from customers that predate assets over the channel: the agent then loads them itself. */
  assets: z.optional(assetPolicy),
  /** The document's mode where its doctype would mislead (a legacy doctype's quirks mode); see rootNode. */
  quirks: z.optional(z.boolean()),
});

export const attributeChange = z.strictObject({
  id: nodeId,
  /** null removes the attribute. */
  attributes: z.record(z.string().check(z.maxLength(256)), z.nullable(z.string().check(z.maxLength(1_000_000)))),
});

export const textChange = z.strictObject({
  id: nodeId,
  text: z.string().check(z.maxLength(10_000_000)),
  masked: z.optional(z.literal(true)),
});

export const mutationsFrame = z.strictObject({
  t: z.literal('mutations'),
  ...domFrame,
  removes: z.array(nodeId),
  adds: z.array(serializedNode),
  attrs: z.array(attributeChange),
  texts: z.array(textChange),
  /** CSSOM changes: the full rule list of a sheet owner (style/link element or root). */
  sheets: z.optional(
    z.array(z.strictObject({ id: nodeId, cssRules: z.array(z.string().check(z.maxLength(1_000_000))) })),
  ),
});

export const inputFrame = z.strictObject({
  t: z.literal('input'),
  ...domFrame,
  id: nodeId,
  ...formStateFields,
});

export const scrollFrame = z.strictObject({
  t: z.literal('scroll'),
  ...domFrame,
  /** 0 is the window. */
  id: nodeId,
  x: coord,
  y: coord,
});

export const viewportFrame = z.strictObject({
  t: z.literal('viewport'),
  ...domFrame,
  width: coord,
  height: coord,
  devicePixelRatio: coord,
});

export const selectionFrame = z.strictObject({
  t: z.literal('selection'),
  ...domFrame,
  ranges: z
    .array(
      z.strictObject({
        start: nodeId,
        startOffset: z.number().check(z.int()),
        end: nodeId,
        endOffset: z.number().check(z.int()),
      }),
    )
    .check(z.maxLength(64)),
});

export const focusFrame = z.strictObject({ t: z.literal('focus'), ...domFrame, id: z.nullable(nodeId) });

export const mediaFrame = z.strictObject({
  t: z.literal('media'),
  ...domFrame,
  id: nodeId,
  paused: z.boolean(),
  time: z.number().check(z.nonnegative()),
});

export const navigationFrame = z.strictObject({ t: z.literal('nav'), ...domFrame, url, title: shortText });

/** What the customer's top layer holds, bottom to top: modal dialogs, open popovers, the full-screen element. */
export const topLayerFrame = z.strictObject({
  t: z.literal('top'),
  ...domFrame,
  layer: z
    .array(z.strictObject({ id: nodeId, kind: z.enum(['modal', 'popover', 'fullscreen']) }))
    .check(z.maxLength(64)),
});

/** Canvas images travel as these formats only (the mirror decodes them as images, never as anything else). */
export const CANVAS_IMAGE_TYPES = ['image/webp', 'image/png', 'image/jpeg'] as const;
/** Largest canvas image one frame may carry. */
export const MAX_CANVAS_IMAGE_BYTES = 1024 * 1024;
const canvasSide = z.number().check(z.int(), z.positive(), z.lte(8_192));

/**
 * The pixels of a canvas (2D or WebGL) as a compressed image, sent when they
 * changed, at a bounded rate. Never for a canvas inside a masked or blocked
 * region (client/capture/canvas.ts); the mirror shows it in the canvas's box.
 */
export const canvasFrame = z.strictObject({
  t: z.literal('canvas'),
  ...domFrame,
  id: nodeId,
  /** The image's size in pixels. */
  width: canvasSide,
  height: canvasSide,
  type: z.enum(CANVAS_IMAGE_TYPES),
  image: z
    .instanceof(Uint8Array)
    .check(z.refine((bytes) => bytes.byteLength > 0 && bytes.byteLength <= MAX_CANVAS_IMAGE_BYTES)),
});

/** Largest asset sent over the channel, and the data one asset-data message carries at most. */
export const MAX_ASSET_BYTES = 16 * 1024 * 1024;
export const MAX_ASSET_CHUNK_BYTES = 64 * 1024;
const assetHash = z.string().check(z.regex(/^[0-9a-f]{16,64}$/));

/**
 * The customer's answer for one asset URL (as it appears in DOM frames, fragment
 * removed): the hash of its bytes (sent before in asset-data messages), or null
 * when the customer cannot or must not send it; then `direct` says whether the
 * agent's browser may load it itself.
 */
export const assetFrame = z.strictObject({
  t: z.literal('asset'),
  url,
  hash: z.nullable(assetHash),
  type: z.optional(z.string().check(z.regex(/^[a-z]+\/[a-z0-9.+-]{1,100}$/))),
  direct: z.optional(z.boolean()),
});

/** A piece of an asset's bytes: `size` is the whole asset's, `offset` this piece's (pieces come in order). */
export const assetDataFrame = z.strictObject({
  t: z.literal('asset-data'),
  hash: assetHash,
  size: z.number().check(z.int(), z.positive(), z.lte(MAX_ASSET_BYTES)),
  offset: z.number().check(z.int(), z.nonnegative(), z.lt(MAX_ASSET_BYTES)),
  data: z
    .instanceof(Uint8Array)
    .check(z.refine((bytes) => bytes.byteLength > 0 && bytes.byteLength <= MAX_ASSET_CHUNK_BYTES)),
});
