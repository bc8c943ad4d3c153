// Upload picker view (hand-written ESM, no bundler; see js/README.md).
//
// Where the page comes from a Jupyter server with nemo-widgets' server extension
// (nemo_widgets/upload_server.py), a file goes to the server in one streamed PUT, with a
// one-time ticket the kernel gave this view for that file: the server writes it to the kernel's
// disk, the bytes never cross the comm. Anywhere else (Colab, VS Code, the extension disabled,
// a kernel on another machine) the view falls back on its own to the comm below.
//
// Over the comm, files go to the kernel in slices of `chunk_bytes`, each sent as one binary buffer. Up to
// `window` slices are in flight; a slice is read from the file only when an acknowledgement
// frees a place (back-pressure), so a 500 MB file never sits in memory, no message crosses
// Jupyter's 10 MB (Colab ~1 MB) limit, and one slow round trip does not stall the next slice.

function uid() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// quak-style request/response over custom messages: {id, kind, ...} -> {id, kind: "<kind>-response", ok, ...}
export function requester(model) {
  const pending = new Map();
  const onMsg = (msg, buffers) => {
    if (!msg || typeof msg.kind !== "string" || !msg.kind.endsWith("-response")) return;
    const waiter = pending.get(msg.id);
    if (!waiter) return; // a reply to another view of the same widget
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

export function el(tag, attrs = {}, ...children) {
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

export function fmtBytes(n) {
  if (n == null) return "";
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 * 1024) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${n} B`;
}

export function fmtDuration(s) {
  if (s == null || Number.isNaN(s)) return "";
  const total = Math.round(s);
  const m = Math.floor(total / 60);
  const sec = String(total % 60).padStart(2, "0");
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

function check(file, accept, maxBytes) {
  const ext = file.name.includes(".") ? file.name.split(".").pop().toLowerCase() : "";
  if (!accept.includes(ext)) {
    return `${file.name}: .${ext || "(no extension)"} files are not supported. Upload one of: ${accept.join(", ")}.`;
  }
  if (file.size > maxBytes) {
    return `${file.name} is ${fmtBytes(file.size)}; the maximum is ${fmtBytes(maxBytes)}. Trim or compress it first, then upload again.`;
  }
  if (file.size === 0) return `${file.name} is empty; pick the file again once it has finished saving.`;
  return null;
}

const UPLOAD_ROUTE = "nemo-widgets/upload";
const TICKET_HEADER = "X-Nemo-Upload-Ticket";
const PROGRESS_EVERY_MS = 250;

// The Jupyter server that serves this page, from the page config JupyterLab and Notebook 7
// embed (absent in Colab and VS Code): its base URL and, if the page was opened with one, the
// token JupyterLab's own requests send.
function jupyterServer() {
  const node = document.getElementById("jupyter-config-data");
  if (!node) return null;
  try {
    const config = JSON.parse(node.textContent);
    const base = String(config.baseUrl ?? "/");
    return { url: `${base.endsWith("/") ? base : `${base}/`}${UPLOAD_ROUTE}`, token: config.token || "" };
  } catch {
    return null;
  }
}

// The headers JupyterLab's ServerConnection sends: the XSRF cookie's value and the token.
function authHeaders(server) {
  const headers = {};
  const xsrf = document.cookie.match(/\b_xsrf=([^;]*)\b/)?.[1];
  if (xsrf) headers["X-XSRFToken"] = xsrf;
  if (server.token) headers.Authorization = `token ${server.token}`;
  return headers;
}

// Is the extension there, and does the server see this kernel's tickets? (With a ticket: is
// that one there; a kernel on another machine writes its tickets where this server cannot.)
async function serverAccepts(server, ticket) {
  try {
    const headers = authHeaders(server);
    if (ticket) headers[TICKET_HEADER] = ticket;
    const r = await fetch(server.url, { headers, credentials: "same-origin", cache: "no-store" });
    if (!r.ok) return `the server answered ${r.status}`;
    const body = await r.json();
    return body?.version === 1 ? "" : "another protocol version";
  } catch (err) {
    return `no answer (${err.message})`;
  }
}

// Stream `file` to the server; resolves with the server's reply, rejects with a message.
// `onProgress(bytes)` as the browser sends; `track(xhr)` lets Cancel abort it.
function putFile(server, ticket, file, onProgress, track) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest(); // not fetch: fetch reports no upload progress
    xhr.open("PUT", server.url);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries({ ...authHeaders(server), [TICKET_HEADER]: ticket })) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status === 201) {
        resolve();
        return;
      }
      let message = `The Jupyter server refused ${file.name} (${xhr.status}); pick the file again.`;
      try {
        message = `${file.name}: ${JSON.parse(xhr.responseText).message}`;
      } catch {}
      reject(new Error(message));
    };
    xhr.onerror = () => reject(new Error(`${file.name}: the connection to the Jupyter server was lost; pick the file again.`));
    xhr.onabort = () => reject(new Error("cancelled"));
    track(xhr);
    xhr.send(file); // the browser streams the File from disk: it is never read into memory
  });
}

function render({ model, el: root }) {
  const { request, dispose } = requester(model);
  const cancelled = new Set(); // transfer ids this view was asked to stop
  const puts = new Map(); // transfer id -> the XMLHttpRequest streaming it to the server
  let queue = Promise.resolve(); // files are sent one after the other
  const server = jupyterServer();
  // Asked once per view; "" means the server route is there.
  const serverRoute = server ? serverAccepts(server, null) : Promise.resolve("no Jupyter server page config");

  const setError = (text) => {
    model.set("error", text);
    model.save_changes();
  };

  // The server route: true once the file is on the kernel's disk, false to fall back on the
  // comm (with the reason in `why`), or it throws.
  async function sendToServer(file, transfer, ticket, why) {
    const refused = await serverAccepts(server, ticket);
    if (refused) {
      why.text = `the server does not see the kernel's ticket: ${refused}`;
      return false;
    }
    let last = 0;
    const onProgress = (bytes) => {
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      model.send({ kind: "progress", transfer, received: bytes });
    };
    try {
      await putFile(server, ticket, file, onProgress, (xhr) => puts.set(transfer, xhr));
    } finally {
      puts.delete(transfer);
    }
    return true;
  }

  async function send(file) {
    const why = { text: await serverRoute };
    const direct = !why.text;
    const { msg } = await request("begin", { name: file.name, size: file.size, mime: file.type, direct });
    const transfer = msg.transfer;
    if (direct && !msg.ticket) why.text = "the kernel has no ticket folder the server shares";
    try {
      if (direct && msg.ticket && (await sendToServer(file, transfer, msg.ticket, why))) {
        if (!cancelled.has(transfer)) await request("end", { transfer, via: "server" });
        return;
      }
    } catch (err) {
      if (!cancelled.has(transfer)) {
        setError(err.message);
        request("cancel", { transfer }).catch(() => {});
      }
      return;
    }
    if (why.text) console.debug(`[nemo-widgets] ${file.name}: upload over the comm (${why.text})`);
    const step = Math.max(64 * 1024, model.get("chunk_bytes"));
    const window = Math.max(1, model.get("window") || 1);
    const inFlight = new Set();
    let failure = null;
    try {
      for (let offset = 0; offset < file.size && !failure; offset += step) {
        // Wait for a free place in the window before reading the next slice.
        while (inFlight.size >= window && !failure) await Promise.race(inFlight);
        if (cancelled.has(transfer) || failure) break;
        const buf = await file.slice(offset, offset + step).arrayBuffer();
        if (cancelled.has(transfer)) break;
        const ack = request("chunk", { transfer, offset }, [buf]).then(
          () => inFlight.delete(ack),
          (err) => {
            inFlight.delete(ack);
            failure ??= err;
          },
        );
        inFlight.add(ack);
      }
      await Promise.all(inFlight);
      if (failure) throw failure;
      if (!cancelled.has(transfer)) await request("end", { transfer, via: "comm", why: why.text });
    } catch (err) {
      if (!cancelled.has(transfer)) {
        setError(err.message);
        request("cancel", { transfer }).catch(() => {});
      }
    }
  }

  function pick(fileList) {
    const accept = model.get("accept");
    const maxBytes = model.get("max_bytes");
    const problems = [];
    for (const file of fileList) {
      const problem = check(file, accept, maxBytes); // before any byte moves
      if (problem) {
        problems.push(problem);
        continue;
      }
      queue = queue.then(() => send(file)).catch((err) => setError(err.message));
    }
    setError(problems.join("\n"));
  }

  // ---- DOM
  const input = el("input", {
    type: "file",
    multiple: true,
    class: "nw-file-input",
    accept: model.get("accept").map((e) => `.${e}`).join(","),
    onchange: () => {
      pick([...input.files]);
      input.value = "";
    },
  });
  const chooseBtn = el("button", { class: "nw-btn nw-btn-primary", type: "button", onclick: () => input.click() }, "Choose files");
  const drop = el(
    "div",
    { class: "nw-drop", tabindex: "0" },
    el("span", { class: "nw-drop-icon", "aria-hidden": "true" }, "⇪"),
    el("span", {}, "Drop video, image or audio here, or "),
    chooseBtn,
    input,
    el("span", { class: "nw-muted nw-drop-hint" }),
  );
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("nw-drop-over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("nw-drop-over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("nw-drop-over");
    if (e.dataTransfer?.files?.length) pick([...e.dataTransfer.files]);
  });

  const source = el("input", { type: "text", class: "nw-text", placeholder: "Kernel path or https:// URL" });
  const addBtn = el("button", { class: "nw-btn", type: "button" }, "Add");
  const add = async () => {
    const value = source.value.trim();
    if (!value) return;
    addBtn.disabled = true;
    try {
      await request("add", { source: value });
      source.value = "";
    } catch (err) {
      setError(err.message);
    } finally {
      addBtn.disabled = false;
    }
  };
  addBtn.addEventListener("click", add);
  source.addEventListener("keydown", (e) => {
    if (e.key === "Enter") add();
  });
  const addRow = el("div", { class: "nw-row" }, source, addBtn);

  const transfersEl = el("div", { class: "nw-transfers" });
  const filesEl = el("div", { class: "nw-files" });
  const errorEl = el("div", { class: "nw-error", role: "alert" });

  // One row per transfer, kept while its phase stays the same: progress updates (several a
  // second) change its text in place, so a Cancel press is never lost to a re-render.
  const transferRows = new Map(); // id -> {phase, node, progress, label}

  function transferRow(r) {
    const action =
      r.phase === "error"
        ? el("button", { class: "nw-btn nw-btn-small", type: "button", title: "Dismiss", onclick: () => request("dismiss", { transfer: r.id }).catch(() => {}) }, "×")
        : el("button", {
            class: "nw-btn nw-btn-small",
            type: "button",
            onclick: () => {
              cancelled.add(r.id);
              puts.get(r.id)?.abort(); // the server deletes what it had written
              request("cancel", { transfer: r.id }).catch((err) => setError(err.message));
            },
          }, "Cancel");
    const progress = el("progress", { class: "nw-progress", max: 100, value: 0 });
    const label = el("span", { class: "nw-muted nw-phase" });
    const node = el(
      "div",
      { class: `nw-transfer nw-phase-${r.phase}`, "data-transfer": r.id },
      el("span", { class: "nw-name", title: r.name }, r.name),
      el("span", { class: "nw-muted" }, r.size ? fmtBytes(r.size) : ""),
      progress,
      label,
      action,
    );
    return { phase: r.phase, node, progress, label };
  }

  function renderTransfers() {
    const rows = model.get("transfers");
    const ids = new Set(rows.map((r) => r.id));
    for (const id of [...transferRows.keys()]) if (!ids.has(id)) transferRows.delete(id);
    let changed = rows.length !== transfersEl.children.length;
    rows.forEach((r, i) => {
      let row = transferRows.get(r.id);
      if (!row || row.phase !== r.phase) {
        row = transferRow(r);
        transferRows.set(r.id, row);
        changed = true;
      }
      if (transfersEl.children[i] !== row.node) changed = true;
      const pct = Math.round((r.progress || 0) * 100);
      const text =
        r.phase === "error"
          ? r.error
          : r.phase === "sending"
            ? `to kernel ${pct}%`
            : r.phase === "uploading"
              ? `to ${r.source === "url" ? "service" : "API"} ${pct}%`
              : r.phase;
      row.progress.value = r.phase === "error" ? 0 : pct;
      if (row.label.textContent !== text) row.label.textContent = text;
    });
    if (changed) transfersEl.replaceChildren(...rows.map((r) => transferRows.get(r.id).node));
  }

  function renderFiles() {
    const files = model.get("files");
    if (!files.length) {
      filesEl.replaceChildren(el("div", { class: "nw-muted nw-empty" }, "No media uploaded yet."));
      return;
    }
    const head = el("tr", {}, ...["Name", "Type", "Duration", "Resolution"].map((h) => el("th", {}, h)));
    const body = files.map((f) =>
      el(
        "tr",
        { class: "nw-file" },
        el("td", { class: "nw-name", title: f.cdn_url || f.name }, f.name),
        el("td", {}, el("span", { class: `nw-badge nw-type-${f.file_type}` }, f.file_type || "?")),
        el("td", {}, fmtDuration(f.duration_s)),
        el("td", {}, f.width && f.height ? `${f.width}×${f.height}` : ""),
      ),
    );
    filesEl.replaceChildren(el("table", { class: "nw-table" }, el("thead", {}, head), el("tbody", {}, ...body)));
  }

  function renderError() {
    const text = model.get("error");
    errorEl.replaceChildren();
    errorEl.hidden = !text;
    if (text) errorEl.append(el("span", {}, text), el("button", { class: "nw-btn nw-btn-small", type: "button", title: "Dismiss", onclick: () => setError("") }, "×"));
  }

  drop.querySelector(".nw-drop-hint").textContent = `(max ${fmtBytes(model.get("max_bytes"))})`;
  root.classList.add("nw-widget", "nw-upload");
  root.append(drop, addRow, transfersEl, filesEl, errorEl);
  renderTransfers();
  renderFiles();
  renderError();
  model.on("change:transfers", renderTransfers);
  model.on("change:files", renderFiles);
  model.on("change:error", renderError);
  return () => {
    model.off("change:transfers", renderTransfers);
    model.off("change:files", renderFiles);
    model.off("change:error", renderError);
    dispose();
  };
}

export default { render };
