// Every visible text node under `root`, with its colour composited over the backgrounds
// behind it (alpha and opacity included), and the WCAG contrast ratio of the two.
// Disabled controls are exempt (WCAG 1.4.3); text drawn on plotly's bars is checked in
// tests/widgets (its colour is chosen against the bar's, which is not an ancestor here).
// Used by test_studio_browser.py through page.evaluate.
(root) => {
  const parse = (c) => {
    let m = c.match(/^rgba?\(([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    m = c.match(/^color\(srgb ([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s\/]+/).filter(Boolean).map(Number);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    return null;
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (node) => {
    const layers = [];
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const bg = parse(getComputedStyle(n).backgroundColor);
      if (bg && bg[3] > 0) {
        layers.push(bg);
        if (bg[3] >= 1) break;
      }
    }
    let color = [255, 255, 255, 1];
    const last = layers[layers.length - 1];
    if (!last || last[3] < 1) color = parse(getComputedStyle(document.body).backgroundColor) || color;
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const text = t.textContent.trim();
    const el = t.parentElement;
    if (!text || !el) continue;
    if (el.closest("svg g.trace.scatter, option, .nw-theme-probe, [disabled], :disabled")) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === "hidden" || style.display === "none") continue;
    if (el.closest("[hidden]")) continue;
    const isSvg = el instanceof SVGElement;
    const fg = parse(isSvg ? style.fill : style.color);
    if (!fg) continue;
    let alpha = 1;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) alpha *= Number(getComputedStyle(n).opacity);
    if (isSvg) alpha *= Number(style.fillOpacity || 1);
    const bg = background(el);
    const shown = over([fg[0], fg[1], fg[2], fg[3] * alpha], bg);
    const [l1, l2] = [lum(shown), lum(bg)].sort((a, b) => b - a);
    out.push({ text: text.slice(0, 40), ratio: (l1 + 0.05) / (l2 + 0.05), cls: el.className?.baseVal ?? el.className, fg: isSvg ? style.fill : style.color });
  }
  return out;
}
