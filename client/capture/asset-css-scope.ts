/**
 * Which URLs of a CSS text the customer may read for the agent: not those
 * used only by rules whose every matching element is masked or blocked
 * (`.id-scan::after { content: url(/uploads/me/id.png) }` on a
 * `data-cobrowse-block` box). Decided per style rule, in the customer's
 * browser, by matching the rule's selector (without pseudo-elements and
 * user-action states) in the sheet's scope. Where it cannot be decided (no
 * element matches yet, a selector the DOM cannot match, nested rules,
 * at-rules such as @font-face) the URL is allowed, as before.
 */
import { cssUrls } from '../../shared/asset-urls.js';

/** Pseudo-elements and user-action states: the rule applies to the element that matches without them. */
const DYNAMIC_PARTS =
  /::?(?:before|after|marker|placeholder|first-line|first-letter|selection|backdrop|file-selector-button|-webkit-[a-z-]+|-moz-[a-z-]+|hover|active|focus-visible|focus-within|focus|visited|target|link)(?![\w-])/gi;

export interface CssScope {
  /** The window whose CSSStyleSheet parses the text. */
  window: Window;
  /** Where the sheet's rules match: the document or shadow root holding it. */
  root: Document | ShadowRoot | null;
  /** The element's masking decision is 'clear'. */
  isClear(el: Element): boolean;
}

/** The URLs of `css` (as cssUrls gives them) that are not used only by rules of masked or blocked elements. */
export function sendableCssUrls(css: string, urls: readonly string[], scope: CssScope): string[] {
  if (urls.length === 0 || scope.root === null) return [...urls];
  const Sheet = (scope.window as Window & { CSSStyleSheet?: typeof CSSStyleSheet }).CSSStyleSheet;
  if (typeof Sheet !== 'function') return [...urls];
  let sheet: CSSStyleSheet;
  try {
    sheet = new Sheet();
    sheet.replaceSync(css);
  } catch {
    return [...urls];
  }
  const allowed = new Set<string>();
  const hidden = new Set<string>();
  const root = scope.root;
  const visit = (rules: CSSRuleList): void => {
    for (const rule of Array.from(rules)) {
      if ('selectorText' in rule && 'style' in rule) {
        const styleRule = rule as CSSStyleRule;
        const target = ruleUse(styleRule, root, scope.isClear);
        for (const url of cssUrls(styleRule.style.cssText)) (target === 'hidden' ? hidden : allowed).add(url);
        if (styleRule.cssRules.length > 0) for (const url of cssUrls(nestedText(styleRule))) allowed.add(url);
      } else if ('cssRules' in rule) {
        visit((rule as CSSGroupingRule).cssRules);
      } else {
        for (const url of cssUrls(rule.cssText)) allowed.add(url);
      }
    }
  };
  try {
    visit(sheet.cssRules);
  } catch {
    return [...urls];
  }
  return urls.filter((url) => allowed.has(url) || !hidden.has(url));
}

/** 'hidden' when every element the rule matches now is masked or blocked; 'shown' otherwise (or undecidable). */
function ruleUse(
  rule: CSSStyleRule,
  root: Document | ShadowRoot,
  isClear: (el: Element) => boolean,
): 'hidden' | 'shown' {
  const selector = rule.selectorText.replace(DYNAMIC_PARTS, '').trim();
  if (selector === '') return 'shown';
  let matches: NodeListOf<Element>;
  try {
    matches = root.querySelectorAll(selector);
  } catch {
    return 'shown';
  }
  if (matches.length === 0) return 'shown';
  for (const el of Array.from(matches)) if (isClear(el)) return 'shown';
  return 'hidden';
}

function nestedText(rule: CSSStyleRule): string {
  let text = '';
  for (const nested of Array.from(rule.cssRules)) text += nested.cssText;
  return text;
}
