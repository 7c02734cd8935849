/** How an annotation arrow looks, shared so the agent and the customer draw the same head. */

/** Length of the arrow head's sides, in page pixels. */
export const ARROW_HEAD_SIZE = 14;
/** Half the opening angle of the head, in radians. */
const ARROW_HEAD_SPREAD = 0.45;

/** SVG polygon points of the head of an arrow going from (x1, y1) to (x2, y2). */
export function arrowHeadPoints(x1: number, y1: number, x2: number, y2: number): string {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const corner = (spread: number) =>
    `${x2 - ARROW_HEAD_SIZE * Math.cos(angle + spread)},${y2 - ARROW_HEAD_SIZE * Math.sin(angle + spread)}`;
  return `${x2},${y2} ${corner(ARROW_HEAD_SPREAD)} ${corner(-ARROW_HEAD_SPREAD)}`;
}
