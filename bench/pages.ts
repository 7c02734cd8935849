/**
 * Pages the benchmarks capture: generated pages of a given size with a
 * realistic mix (nested layout divs, text, tables, forms, inline styles,
 * classes, a stylesheet), a long article page, and the steady-state page.
 * Deterministic, so every run and both recorders see the same DOM.
 */

const WORDS =
  'the quick brown fox jumps over a lazy dog while customers compare prices shipping options and reviews before checkout'.split(
    ' ',
  );

function words(seed: number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(WORDS[(seed * 7 + i * 13) % WORDS.length] ?? 'word');
  return out.join(' ');
}

const SITE_CSS = Array.from(
  { length: 60 },
  (_, i) =>
    `.c${i} { color: hsl(${(i * 37) % 360} 40% 30%); margin: ${i % 5}px; }\n.card.c${i % 7} .title { font-weight: ${400 + (i % 3) * 100}; }`,
).join('\n');

/** One block of page content; about 60 DOM nodes (elements and text) whichever kind. */
function block(i: number): string {
  switch (i % 4) {
    case 0:
      return (
        `<div class="card c${i % 7}" style="padding:4px;margin:2px;border:1px solid #ddd">` +
        `<h3 class="title">Item ${i}</h3>` +
        `<p class="desc">${words(i, 12)} <a href="/product/${i}" class="link">details</a> ${words(i + 1, 8)} <em>${words(i + 2, 2)}</em>.</p>` +
        `<ul class="tags">${[0, 1, 2, 3, 4].map((t) => `<li class="tag t${t}">${WORDS[(i + t) % WORDS.length]}</li>`).join('')}</ul>` +
        `<div class="meta"><span class="price">$${(i % 97) + 0.99}</span><span class="stock">In stock</span><img src="/img.svg" alt="Item ${i}" width="32" height="32"></div>` +
        `<div class="wrap"><div class="row">${[0, 1, 2].map((c) => `<div class="col c${c}" style="width:33%;display:inline-block"><span>${words(i + c, 3)}</span><b>${c}</b></div>`).join('')}</div></div>` +
        `<p>${words(i + 3, 10)}</p><p>${words(i + 4, 6)} <strong>${words(i, 2)}</strong></p></div>`
      );
    case 1:
      return (
        `<table class="grid c${i % 5}"><thead><tr><th>Order</th><th>Date</th><th>Status</th><th>Total</th></tr></thead><tbody>` +
        [0, 1, 2, 3, 4, 5]
          .map(
            (r) =>
              `<tr class="${r % 2 === 0 ? 'even' : 'odd'}"><td>#${i * 10 + r}</td><td>2026-0${(r % 9) + 1}-1${r}</td><td class="status s${r % 3}">${r % 3 === 0 ? 'Shipped' : 'Pending'}</td><td style="text-align:right">$${r * 3 + i}.00</td></tr>`,
          )
          .join('') +
        `</tbody></table>`
      );
    case 2:
      return (
        `<form class="form c${i % 3}" action="/save" method="post"><fieldset><legend>Address ${i}</legend>` +
        `<label for="name${i}">Name</label><input id="name${i}" name="name" type="text" value="Customer ${i}">` +
        `<label for="email${i}">Email</label><input id="email${i}" name="email" type="email" value="c${i}@example.com">` +
        `<label for="pw${i}">Password</label><input id="pw${i}" name="password" type="password" value="secret${i}">` +
        `<label for="country${i}">Country</label><select id="country${i}" name="country"><option>France</option><option selected>Germany</option><option>Spain</option><option>Italy</option></select>` +
        `<label for="notes${i}">Notes</label><textarea id="notes${i}" name="notes">${words(i, 6)}</textarea>` +
        `<label><input type="checkbox" name="gift" ${i % 2 === 0 ? 'checked' : ''}> Gift wrap</label>` +
        `<label><input type="radio" name="ship${i}" value="std" checked> Standard</label><label><input type="radio" name="ship${i}" value="exp"> Express</label>` +
        `<button type="button" class="btn primary">Save</button><button type="reset" class="btn">Reset</button></fieldset></form>`
      );
    default:
      return (
        `<section class="panel c${i % 9}" style="background:#fafafa;padding:8px"><h2>${words(i, 4)}</h2>` +
        `<div class="l1"><div class="l2"><div class="l3"><div class="l4"><p>${words(i, 9)} <a href="#s${i}">#${i}</a></p><p>${words(i + 5, 7)}</p></div></div></div></div>` +
        `<nav class="crumbs"><a href="/">Home</a> / <a href="/c/${i % 10}">Category</a> / <span>${words(i, 2)}</span></nav>` +
        `<ol>${[0, 1, 2, 3, 4, 5].map((n) => `<li><span class="n">${n}</span> ${words(i + n, 4)}</li>`).join('')}</ol>` +
        `<blockquote class="quote">${words(i + 8, 11)}<cite>${words(i, 2)}</cite></blockquote>` +
        `<div style="display:flex;gap:4px"><button type="button">Like</button><button type="button">Share</button><span>${i % 50} comments</span></div></section>`
      );
  }
}

/** Measured in Chromium: average DOM nodes (elements + text) one block() adds. */
const NODES_PER_BLOCK = 55;

function shell(title: string, head: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}<style>${SITE_CSS}</style></head><body>${body}</body></html>`;
}

/** A generated page of about `nodes` DOM nodes; `head` is injected into <head> (the recorder script). */
export function generatedPage(nodes: number, head: string): string {
  const blocks = Math.max(1, Math.round(nodes / NODES_PER_BLOCK));
  const parts: string[] = [`<header id="bench-first" class="top"><h1>Shop</h1></header><main id="main">`];
  for (let i = 0; i < blocks; i++) parts.push(block(i));
  parts.push(`</main><footer id="bench-last">End</footer>`);
  return shell(`Generated ${nodes} nodes`, head, parts.join(''));
}

/** A realistic long page: a documentation/blog article with navigation, code, figures, tables and comments. */
export function longPage(head: string): string {
  const parts: string[] = [
    `<header id="bench-first" class="site"><nav class="menu">${['Docs', 'Blog', 'Pricing', 'Support', 'Sign in'].map((n) => `<a href="/${n.toLowerCase()}">${n}</a>`).join('')}</nav></header>`,
    `<div class="layout"><aside class="toc"><ul>${Array.from({ length: 120 }, (_, i) => `<li><a href="#h${i}">${words(i, 3)}</a></li>`).join('')}</ul></aside><article class="post">`,
    `<h1>${words(1, 8)}</h1><p class="byline">By <a href="/authors/ada">Ada</a> · <time datetime="2026-11-24">24 November 2026</time></p>`,
  ];
  for (let i = 0; i < 120; i++) {
    parts.push(`<h2 id="h${i}">${words(i, 5)}</h2>`);
    for (let p = 0; p < 3; p++) {
      parts.push(
        `<p>${words(i * 3 + p, 25)} <a href="https://example.com/ref/${i}/${p}">${words(p, 2)}</a> ${words(i + p, 18)} <code>fn${i}()</code> ${words(i, 12)}.</p>`,
      );
    }
    if (i % 3 === 0)
      parts.push(
        `<pre><code class="language-ts">${Array.from({ length: 8 }, (_, l) => `const value${l} = compute(${i}, ${l}); // ${words(l, 4)}`).join('\n')}</code></pre>`,
      );
    if (i % 4 === 1)
      parts.push(
        `<figure><img src="/img.svg" alt="${words(i, 3)}" width="320" height="180"><figcaption>${words(i, 9)}</figcaption></figure>`,
      );
    if (i % 5 === 2)
      parts.push(
        `<table><tr><th>Option</th><th>Default</th><th>Meaning</th></tr>${Array.from({ length: 4 }, (_, r) => `<tr><td><code>opt${r}</code></td><td>${r}</td><td>${words(i + r, 8)}</td></tr>`).join('')}</table>`,
      );
    if (i % 6 === 3)
      parts.push(
        `<blockquote>${words(i, 20)}</blockquote><ul>${Array.from({ length: 5 }, (_, r) => `<li>${words(i + r, 7)}</li>`).join('')}</ul>`,
      );
  }
  parts.push(`</article></div><section class="comments"><h2>Comments</h2>`);
  for (let c = 0; c < 80; c++) {
    parts.push(
      `<div class="comment" style="margin-left:${(c % 3) * 24}px"><img src="/img.svg" alt="" width="24" height="24"><b>user${c}</b> <span class="when">${c} days ago</span><p>${words(c, 16)}</p><button type="button">Reply</button></div>`,
    );
  }
  parts.push(
    `<form class="reply"><textarea name="comment"></textarea><input name="email" type="email"><button>Post</button></form></section><footer id="bench-last">Footer</footer>`,
  );
  return shell('A long article', head, parts.join(''));
}

/** The steady-state page: an input, a growing list, toggled elements, an animated box, and a tall body to scroll. */
export function steadyPage(head: string): string {
  const toggles = Array.from(
    { length: 20 },
    (_, i) => `<div class="toggle c${i % 7}" data-i="${i}">${words(i, 4)}</div>`,
  ).join('');
  const filler = Array.from({ length: 30 }, (_, i) => block(i)).join('');
  return shell(
    'Steady state',
    head,
    `<header id="bench-first"><input id="search" name="q" type="text" autocomplete="off"></header>` +
      `<div id="anim" style="width:40px;height:40px;background:#0f766e;position:relative"></div>` +
      `<div id="toggles">${toggles}</div><ul id="list"></ul><main>${filler}</main><footer id="bench-last">End</footer>`,
  );
}

/** A small image every page references, so both recorders see real <img> URLs. */
export const IMAGE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" fill="#0f766e"/></svg>`;
