import { describe, expect, it } from 'vitest';
import { HOVER_ATTRIBUTE, rewriteInteractionCss } from '../../agent/mirror/interaction-css.js';
import { FOCUS_ATTRIBUTE } from '../../agent/mirror/masked-style.js';

const H = `[${HOVER_ATTRIBUTE}]`;
const F = `[${FOCUS_ATTRIBUTE}]`;

describe('rewriteInteractionCss', () => {
  it('rewrites :hover, :focus, :focus-visible and :focus-within in selectors', () => {
    expect(rewriteInteractionCss('a:hover{color:red}')).toBe(`a${H}{color:red}`);
    expect(rewriteInteractionCss('.m:hover .d, li:not(:hover){x:y}')).toBe(`.m${H} .d, li:not(${H}){x:y}`);
    expect(rewriteInteractionCss('input:focus,b:focus-visible{x:y}')).toBe(`input${F},b${F}{x:y}`);
    expect(rewriteInteractionCss('form:focus-within{x:y}')).toBe(`form:is(${F}, :has(${F})){x:y}`);
    expect(rewriteInteractionCss('@media (hover:hover){a:hover{x:y}}')).toBe(`@media (hover:hover){a${H}{x:y}}`);
  });

  it('leaves strings, comments, escapes, pseudo-elements and longer names alone', () => {
    for (const css of [
      'p::after{content:":hover"}',
      "p::after{content:':focus-within'}",
      '/* a:hover */ p{x:y}',
      'a\\:hover{x:y}',
      'a:hovering{x:y}',
      'a:focused{x:y}',
      'a:is-hover{x:y}',
      'p{color:red}',
    ]) {
      expect(rewriteInteractionCss(css)).toBe(css);
    }
  });
});

describe('rewriteInteractionCss outside selectors', () => {
  it('keeps media queries, declarations and nested preludes apart', () => {
    expect(rewriteInteractionCss('@media (hover:hover){a:hover{x:y}}')).toBe(`@media (hover:hover){a${H}{x:y}}`);
    expect(rewriteInteractionCss('@supports selector(:focus-visible){b:focus{x:y}}')).toBe(
      `@supports selector(:focus-visible){b${F}{x:y}}`,
    );
    expect(rewriteInteractionCss('a{--state:hover;grid-area:x:hover}')).toBe('a{--state:hover;grid-area:x:hover}');
    expect(rewriteInteractionCss('.card{color:red;&:hover{color:blue}}')).toBe(`.card{color:red;&${H}{color:blue}}`);
  });
});
