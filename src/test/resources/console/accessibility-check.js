// An axe-like check of the page as it stands, run in the browser by ConsoleIT. Returns the
// problems found, one sentence each:
// - every form control, button, link and image (svg) has an accessible name;
// - every visible text has a contrast of at least 4.5:1 (WCAG 2 AA for normal text) against the
//   background it is drawn on (the backgrounds of its ancestors, composited).
const problems = [];
const describe = (el) => `<${el.tagName.toLowerCase()}${el.id ? ' id=' + el.id : ''}${
  el.getAttribute('class') ? ' class=' + el.getAttribute('class') : ''}> "${(el.textContent || '').trim().slice(0, 40)}"`;
const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';

function accessibleName(el) {
  const labelledBy = el.getAttribute('aria-labelledby');
  if (labelledBy) {
    return labelledBy.split(/\s+/).map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
  }
  if (el.getAttribute('aria-label')) return el.getAttribute('aria-label').trim();
  if (el.labels && el.labels.length > 0) return [...el.labels].map((label) => label.textContent).join(' ').trim();
  if (el.matches('button, a, summary')) return el.textContent.trim();
  return '';
}

for (const el of document.querySelectorAll('input, select, textarea, button, a[href], summary, svg')) {
  if (el.type === 'hidden') continue;
  if (el.tagName.toLowerCase() === 'svg' && el.getAttribute('role') !== 'img') {
    problems.push('an svg that is not role=img: ' + describe(el));
  }
  if (!accessibleName(el)) problems.push('no accessible name: ' + describe(el));
}

function parseColor(text) {
  const match = /rgba?\(([^)]+)\)/.exec(text);
  if (!match) return null;
  const parts = match[1].split(/[\s,/]+/).filter(Boolean).map(Number);
  return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
}

function over(top, bottom) {
  const mix = (key) => top[key] * top.a + bottom[key] * (1 - top.a);
  return { r: mix('r'), g: mix('g'), b: mix('b'), a: 1 };
}

function backgroundOf(el) {
  const chain = [];
  for (let e = el; e; e = e.parentElement) chain.unshift(e);
  let color = { r: 255, g: 255, b: 255, a: 1 };
  for (const e of chain) {
    const background = parseColor(getComputedStyle(e).backgroundColor);
    if (background && background.a > 0) color = over(background, color);
  }
  return color;
}

function luminance({ r, g, b }) {
  const linear = (c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function contrast(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

let checked = 0;
for (const el of document.body.querySelectorAll('*')) {
  const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
  if (!hasText || !visible(el)) continue;
  const style = getComputedStyle(el);
  const isSvgText = el instanceof SVGElement;
  const background = backgroundOf(el);
  const foreground = over(parseColor(isSvgText ? style.fill : style.color), background);
  const ratio = contrast(foreground, background);
  checked++;
  if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} < 4.5: ${describe(el)}`);
}
if (checked === 0) problems.push('no text was checked');
return problems;
