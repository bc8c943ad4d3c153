// Renders table view (hand-written ESM, no bundler; see js/README.md).
//
// Rows come from the `rows` trait. Table rows are keyed by job id and updated in place, so a
// playing <video> is never re-created by a progress update of another row. Engine renders are
// fetched from the kernel slice by slice (`open`, then `read` requests answered with one binary
// buffer each) and played from a Blob URL: no port the browser might not reach is needed.

const READ_BYTES = 4 * 1024 * 1024;
const TERMINAL = new Set(["completed", "failed", "cancelled"]);

// A backend's URL is shown as <a href> and <video src> only when it is http(s) or a Blob URL:
// "javascript:" or "data:" from a misbehaving server must never become a link (issue 14).
const SAFE_PROTOCOLS = new Set(["http:", "https:", "blob:"]);
export function safeUrl(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    return SAFE_PROTOCOLS.has(new URL(value).protocol) ? value : null;
  } catch {
    return null; // relative or malformed: not a link we made
  }
}

function uid() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// quak-style request/response: {id, kind, ...} -> {id, kind: "<kind>-response", ok, ...}
function requester(model) {
  const pending = new Map();
  const onMsg = (msg, buffers) => {
    if (!msg || typeof msg.kind !== "string" || !msg.kind.endsWith("-response")) return;
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.ok === false) waiter.reject(new Error(msg.error || "The kernel refused the request."));
    else waiter.resolve({ msg, buffers: buffers ?? [] });
  };
  model.on("msg:custom", onMsg);
  const request = (kind, body = {}, buffers = undefined) =>
    new Promise((resolve, reject) => {
      const id = uid();
      pending.set(id, { resolve, reject });
      model.send({ id, kind, ...body }, undefined, buffers);
    });
  const dispose = () => {
    model.off("msg:custom", onMsg);
    for (const w of pending.values()) w.reject(new Error("The widget was closed."));
    pending.clear();
  };
  return { request, dispose };
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k in node && typeof v !== "string") node[k] = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

function fmtBytes(n) {
  if (n == null) return "";
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${n} B`;
}

function fmtDuration(s) {
  if (s == null || Number.isNaN(s)) return "";
  const total = Math.round(s);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function fmtTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  if (d.toDateString() === new Date().toDateString()) return time; // today: the time says it all
  return `${d.toLocaleDateString(undefined, { month: "short", day: "numeric" })} ${time}`;
}

function bytesOf(buf) {
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength); // DataView / typed array
}

function render({ model, el: root }) {
  const { request, dispose } = requester(model);
  const blobs = new Map(); // job id -> object URL of the assembled MP4
  const loading = new Map(); // job id -> percent loaded, or "error: ..."
  const rowEls = new Map(); // job id -> {tr, cells, previewKey}

  const setError = (text) => {
    model.set("error", text);
    model.save_changes();
  };

  async function loadBlob(jobId) {
    if (blobs.has(jobId)) return blobs.get(jobId);
    loading.set(jobId, 0);
    update();
    try {
      const { msg: head } = await request("open", { job: jobId });
      const parts = [];
      let offset = 0;
      while (offset < head.size) {
        const { msg, buffers } = await request("read", { job: jobId, offset, length: READ_BYTES });
        if (!msg.length) break;
        parts.push(bytesOf(buffers[0]));
        offset += msg.length;
        loading.set(jobId, Math.round((100 * offset) / head.size));
        update();
      }
      const url = URL.createObjectURL(new Blob(parts, { type: head.mime || "video/mp4" }));
      blobs.set(jobId, url);
      return url;
    } catch (err) {
      setError(err.message);
      throw err;
    } finally {
      loading.delete(jobId);
      update();
    }
  }

  function browserDownload(href, jobId) {
    const a = el("a", { href, download: `${jobId}.mp4` });
    document.body.append(a);
    a.click();
    a.remove();
  }

  // ---- toolbar
  const quality = el("select", { class: "nw-select", title: "Quality" }, ...["high", "medium", "low"].map((q) => el("option", { value: q }, q)));
  const resolution = el(
    "select",
    { class: "nw-select", title: "Resolution" },
    el("option", { value: "" }, "canvas size"),
    ...["1080p", "720p", "480p"].map((r) => el("option", { value: r }, r)),
  );
  const exportBtn = el("button", { class: "nw-btn nw-btn-primary nw-export", type: "button" }, "Export");
  exportBtn.addEventListener("click", () => {
    exportBtn.disabled = true;
    request("export", { quality: quality.value, resolution: resolution.value || null })
      .catch((err) => setError(err.message))
      .finally(() => {
        exportBtn.disabled = model.get("exporting");
      });
  });
  const summary = el("span", { class: "nw-muted nw-summary" });
  const toolbar = el("div", { class: "nw-row" }, el("strong", {}, "Renders"), summary, el("span", { class: "nw-spacer" }), quality, resolution, exportBtn);

  const headers = ["ID", "Status", "Progress", "Created", "Finished", "Duration", "Size", "Preview", ""];
  const tbody = el("tbody");
  const table = el("table", { class: "nw-table" }, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))), tbody);
  const empty = el("div", { class: "nw-muted nw-empty" }, "No renders yet: press Export, or run s.export().");
  const errorEl = el("div", { class: "nw-error", role: "alert" });

  function previewCell(row) {
    const mode = model.get("preview_mode");
    const done = row.status === "completed";
    if (!done) return { key: `wait`, node: el("span", { class: "nw-muted" }, TERMINAL.has(row.status) ? "" : "…") };
    const url = safeUrl(row.url);
    if (mode === "url" && url) {
      return { key: `url:${url}`, node: el("video", { controls: true, preload: "metadata", src: url }) };
    }
    if (loading.has(row.id)) return { key: `loading:${loading.get(row.id)}`, node: el("span", { class: "nw-muted" }, `loading ${loading.get(row.id)}%`) };
    const blob = blobs.get(row.id);
    if (mode === "link") {
      // VS Code's webview cannot decode H.264: offer the file instead of a player.
      if (blob) return { key: `link:${blob}`, node: el("a", { class: "nw-btn nw-btn-small", href: blob, download: `${row.id}.mp4` }, "Download MP4") };
      return {
        key: "link",
        node: el("button", { class: "nw-btn nw-btn-small", type: "button", onclick: () => loadBlob(row.id).then((u) => browserDownload(u, row.id)).catch(() => {}) }, "Download MP4"),
      };
    }
    if (blob) return { key: `blob:${blob}`, node: el("video", { controls: true, preload: "auto", src: blob }) };
    return { key: "button", node: el("button", { class: "nw-btn nw-btn-small nw-preview-btn", type: "button", onclick: () => loadBlob(row.id).catch(() => {}) }, "▶ Preview") };
  }

  function actions(row) {
    const buttons = [];
    const nodes = [];
    if (!TERMINAL.has(row.status)) {
      buttons.push(el("button", { class: "nw-btn nw-btn-small nw-cancel", type: "button", onclick: () => request("cancel", { job: row.id }).catch((err) => setError(err.message)) }, "Cancel"));
    }
    if (row.status === "completed") {
      buttons.push(
        el("button", {
          class: "nw-btn nw-btn-small nw-save",
          type: "button",
          title: "Save the MP4 in the kernel's working folder (next to the notebook)",
          onclick: () => request("save", { job: row.id }).catch((err) => setError(err.message)),
        }, "Save to kernel"),
      );
      const blob = blobs.get(row.id);
      const url = safeUrl(row.url);
      if (model.get("preview_mode") === "url" && url) buttons.push(el("a", { class: "nw-btn nw-btn-small", href: url, download: `${row.id}.mp4`, target: "_blank", rel: "noopener" }, "Download"));
      else if (blob) buttons.push(el("a", { class: "nw-btn nw-btn-small", href: blob, download: `${row.id}.mp4` }, "Download"));
    }
    if (row.saved_path) {
      const name = row.saved_path.split(/[\\/]/).pop();
      nodes.push(el("span", { class: "nw-muted nw-saved", title: `Saved in the kernel as ${row.saved_path}` }, `✓ ${name}`));
    }
    if (row.error) nodes.push(el("span", { class: "nw-row-error" }, row.error));
    return [buttons.length ? el("div", { class: "nw-row" }, buttons) : null, ...nodes];
  }

  function update() {
    const rows = model.get("rows");
    const seen = new Set();
    rows.forEach((row, i) => {
      seen.add(row.id);
      let entry = rowEls.get(row.id);
      if (!entry) {
        const cells = headers.map(() => el("td"));
        cells[7].className = "nw-preview";
        cells[8].className = "nw-actions-cell";
        entry = { tr: el("tr", { class: "nw-render", "data-job": row.id }, ...cells), cells, previewKey: null, actionsKey: null };
        rowEls.set(row.id, entry);
      }
      const { tr, cells } = entry;
      if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] ?? null);
      tr.dataset.status = row.status;
      cells[0].textContent = row.id;
      cells[0].title = row.id;
      cells[0].className = "nw-name";
      cells[1].replaceChildren(el("span", { class: `nw-badge nw-status-${row.status}` }, row.status));
      const pct = Math.round(row.progress ?? 0);
      cells[2].replaceChildren(el("progress", { class: "nw-progress", max: 100, value: pct }), ` ${pct}%`);
      cells[3].textContent = fmtTime(row.created_at);
      cells[4].textContent = fmtTime(row.finished_at);
      cells[5].textContent = fmtDuration(row.duration_s);
      cells[6].textContent = fmtBytes(row.size_bytes);
      const preview = previewCell(row);
      if (preview.key !== entry.previewKey) {
        cells[7].replaceChildren(preview.node); // only when it changes: keeps a playing video
        entry.previewKey = preview.key;
      }
      const key = JSON.stringify([row.status, row.saved_path, row.error, row.url, blobs.has(row.id), model.get("preview_mode")]);
      if (key !== entry.actionsKey) {
        cells[8].replaceChildren(el("div", { class: "nw-actions" }, actions(row)));
        entry.actionsKey = key;
      }
    });
    for (const [id, entry] of rowEls) {
      if (!seen.has(id)) {
        entry.tr.remove();
        rowEls.delete(id);
      }
    }
    table.hidden = rows.length === 0;
    empty.hidden = rows.length > 0;
    const live = rows.filter((r) => !TERMINAL.has(r.status)).length;
    summary.textContent = rows.length ? `${rows.length} export${rows.length === 1 ? "" : "s"}${live ? `, ${live} running` : ""}` : "";
    exportBtn.disabled = model.get("exporting");
  }

  function renderError() {
    const text = model.get("error");
    errorEl.replaceChildren();
    errorEl.hidden = !text;
    if (text) errorEl.append(el("span", {}, text), el("button", { class: "nw-btn nw-btn-small", type: "button", title: "Dismiss", onclick: () => setError("") }, "×"));
  }

  root.classList.add("nw-widget", "nw-renders");
  root.append(toolbar, table, empty, errorEl);
  update();
  renderError();
  const events = ["change:rows", "change:preview_mode", "change:exporting"];
  for (const e of events) model.on(e, update);
  model.on("change:error", renderError);
  return () => {
    for (const e of events) model.off(e, update);
    model.off("change:error", renderError);
    dispose();
    for (const url of blobs.values()) URL.revokeObjectURL(url);
  };
}

export default { render };
