// Theme probe (hand-written ESM, see widgets/timeline.py): tells the kernel whether the page
// is light or dark and how wide the figure's column is, at render and whenever either
// changes, so plotly redraws to match (plotly sizes a figure once, when it is first drawn).

function pageTheme(node) {
  const body = document.body;
  // JupyterLab and Notebook 7 say it outright.
  const light = body?.dataset?.jpThemeLight;
  if (light === "true") return "light";
  if (light === "false") return "dark";
  // VS Code and Colab: the luminance of the first opaque background around the widget.
  for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
    const m = getComputedStyle(n).backgroundColor.match(/[\d.]+/g);
    if (!m) continue;
    const [r, g, b, a = 1] = m.map(Number);
    if (a < 0.5) continue;
    const lin = (c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b) < 0.2 ? "dark" : "light";
  }
  return "light";
}

function render({ model, el }) {
  el.classList.add("nw-theme-probe");
  el.style.display = "none";
  const report = () => {
    const theme = pageTheme(el.parentElement || document.body);
    if (model.get("theme") !== theme) {
      model.set("theme", theme);
      model.save_changes();
    }
  };
  const watch = new MutationObserver(report);
  for (const node of [document.documentElement, document.body]) {
    watch.observe(node, { attributes: true, attributeFilter: ["class", "data-jp-theme-light", "data-jp-theme-name", "theme"] });
  }
  // The column's width, debounced: a drag of the window edge is one redraw, not fifty.
  let timer = null;
  let frame = null;
  const sized = new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const width = Math.floor(el.parentElement?.getBoundingClientRect().width ?? 0);
      if (width > 0 && Math.abs(width - model.get("width")) > 8) {
        model.set("width", width);
        model.save_changes();
      }
    }, 150);
  });
  // A view is rendered before it is attached: wait until it sits in its column, then report
  // (after layout, so the backgrounds and widths around it are the page's).
  const start = () => {
    if (!el.isConnected || !el.parentElement) {
      frame = requestAnimationFrame(start);
      return;
    }
    report();
    sized.observe(el.parentElement);
  };
  frame = requestAnimationFrame(start);
  return () => {
    watch.disconnect();
    sized.disconnect();
    clearTimeout(timer);
    cancelAnimationFrame(frame);
  };
}

export default { render };
