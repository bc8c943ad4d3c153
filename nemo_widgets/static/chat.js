// Streaming chat cell of nemo-widgets (hand-written ESM, no bundler; see widgets/chat.py).
//
// The transcript trait is the durable record; custom "delta" messages carry streamed text of
// the running turn and are never saved. Nothing from the backend is ever parsed as HTML:
// replies are rendered by a small markdown subset that builds DOM nodes with textContent.

const SAFE_URL = /^https?:\/\//i;

// --- markdown subset (bold, italic, code, links, lists, headings, fenced code) ------------
const INLINE = /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\n]+\*|_[^_\n]+_)|(\[[^\]\n]+\]\([^)\s]+\))/g;

function inline(parent, text) {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) parent.append(text.slice(last, m.index));
    const tok = m[0];
    let node;
    if (m[1]) {
      node = document.createElement("code");
      node.textContent = tok.slice(1, -1);
    } else if (m[2]) {
      node = document.createElement("strong");
      node.textContent = tok.slice(2, -2);
    } else if (m[3]) {
      node = document.createElement("em");
      node.textContent = tok.slice(1, -1);
    } else {
      const close = tok.indexOf("](");
      const label = tok.slice(1, close);
      const url = tok.slice(close + 2, -1);
      if (SAFE_URL.test(url)) {
        node = document.createElement("a");
        node.href = url;
        node.target = "_blank";
        node.rel = "noopener noreferrer";
        node.textContent = label;
      } else {
        node = document.createTextNode(tok); // javascript: and friends stay plain text
      }
    }
    parent.append(node);
    last = m.index + tok.length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

export function renderMarkdown(text) {
  const frag = document.createDocumentFragment();
  const lines = String(text || "").split("\n");
  let para = null;
  let list = null;
  let code = null;
  const endBlocks = () => {
    para = null;
    list = null;
  };
  for (const line of lines) {
    if (code) {
      if (line.trim().startsWith("```")) {
        code = null;
      } else {
        code.textContent += (code.textContent ? "\n" : "") + line;
      }
      continue;
    }
    if (line.trim().startsWith("```")) {
      endBlocks();
      const pre = document.createElement("pre");
      code = document.createElement("code");
      pre.append(code);
      frag.append(pre);
      continue;
    }
    if (!line.trim()) {
      endBlocks();
      continue;
    }
    const bullet = line.match(/^\s*(?:[-*•]|(\d+)[.)])\s+(.*)$/);
    if (bullet) {
      const tag = bullet[1] ? "ol" : "ul";
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = document.createElement(tag);
        frag.append(list);
      }
      para = null;
      const li = document.createElement("li");
      inline(li, bullet[2]);
      list.append(li);
      continue;
    }
    const heading = line.match(/^(#{1,4})\s+(.*)$/);
    if (heading) {
      endBlocks();
      const h = document.createElement("div");
      h.className = "nw-chat-h";
      inline(h, heading[2]);
      frag.append(h);
      continue;
    }
    list = null;
    if (!para) {
      para = document.createElement("p");
      frag.append(para);
    } else {
      para.append(document.createElement("br"));
    }
    inline(para, line);
  }
  return frag;
}

// --- requests: the widgets' one dialect -----------------------------------------------------
function uid() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// quak-style request/response over custom messages: {id, kind, ...} -> {id, kind: "<kind>-response", ok, ...}
function requester(model) {
  const pending = new Map();
  const onMsg = (msg) => {
    if (!msg || typeof msg.kind !== "string" || !msg.kind.endsWith("-response")) return;
    const waiter = pending.get(msg.id);
    if (!waiter) return; // a reply to another view of the same widget
    pending.delete(msg.id);
    if (msg.ok === false) waiter.reject(new Error(msg.error || "The kernel refused the request."));
    else waiter.resolve(msg);
  };
  model.on("msg:custom", onMsg);
  const request = (kind, body = {}) =>
    new Promise((resolve, reject) => {
      const id = uid();
      pending.set(id, { resolve, reject });
      model.send({ id, kind, ...body });
    });
  const dispose = () => {
    model.off("msg:custom", onMsg);
    for (const w of pending.values()) w.reject(new Error("The widget was closed."));
    pending.clear();
  };
  return { request, dispose };
}

// --- the widget ----------------------------------------------------------------------------
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: root }) {
  const { request, dispose } = requester(model);
  // A refused request (a turn already running...) is also in the `error` trait; the catch
  // only keeps the rejection from being reported as unhandled.
  const ask = (kind, body) => request(kind, body).catch(() => {});
  const live = new Map(); // message id -> streamed text of the running turn
  const openChips = new Set(); // tool chips the user expanded (kept across re-renders)

  const box = el("div", "nw-chat");
  const header = el("div", "nw-chat-title");
  const list = el("div", "nw-chat-messages");
  list.setAttribute("role", "log");
  list.setAttribute("aria-live", "polite");
  const status = el("div", "nw-chat-status");
  const chips = el("div", "nw-chat-suggestions");
  const form = el("div", "nw-chat-input");
  const input = el("textarea", "nw-chat-text");
  input.rows = 2;
  input.placeholder = "Describe an edit… (Enter to send, Shift+Enter for a new line)";
  const send = el("button", "nw-chat-send", "Send");
  const stop = el("button", "nw-chat-stop", "■ Stop");
  stop.title = "Stop this turn (the message is not sent again)";
  form.append(input, send, stop);
  const error = el("div", "nw-chat-error");
  error.setAttribute("role", "alert");
  box.append(header, list, status, chips, form, error);
  root.classList.add("nw-widget");
  root.append(box);

  const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  const toBottom = () => {
    list.scrollTop = list.scrollHeight;
  };

  function shownText(msg) {
    const streamed = live.get(msg.id) || "";
    // While streaming, deltas may be ahead of the trait or the trait ahead of missed deltas;
    // text only grows during a turn, so the longer one is the newest.
    if (msg.status === "streaming" && streamed.length > (msg.text || "").length) return streamed;
    return msg.text || "";
  }

  function renderBody(body, msg) {
    body.replaceChildren();
    const text = shownText(msg);
    if (text) body.append(renderMarkdown(text));
    else if (msg.status === "streaming") body.append(el("span", "nw-chat-dots", "…"));
  }

  function chip(tool) {
    const d = el("details", "nw-chat-tool " + (tool.status === "done" ? "done" : "running"));
    d.open = openChips.has(tool.id);
    d.addEventListener("toggle", () => {
      if (d.open) openChips.add(tool.id);
      else openChips.delete(tool.id);
    });
    const s = el("summary", "", (tool.status === "done" ? "✓ " : "⚙ ") + (tool.name || "tool"));
    d.append(s);
    if (tool.args) d.append(el("pre", "nw-chat-tool-args", "args: " + tool.args));
    if (tool.result) d.append(el("pre", "nw-chat-tool-result", "result: " + tool.result));
    return d;
  }

  function messageNode(msg) {
    const row = el("div", `nw-chat-msg nw-chat-${msg.role} nw-st-${msg.status || "done"}`);
    row.dataset.id = msg.id;
    row.dataset.status = msg.status || "done";
    if (msg.tools && msg.tools.length) {
      const tools = el("div", "nw-chat-tools");
      for (const t of msg.tools) tools.append(chip(t));
      row.append(tools);
    }
    const body = el("div", "nw-chat-body");
    renderBody(body, msg);
    row.append(body);
    if (msg.actions && msg.actions.length) {
      const bar = el("div", "nw-chat-actions");
      for (const a of msg.actions) {
        const b = el("button", "nw-chat-action", a.label || a.kind);
        b.dataset.kind = a.kind;
        b.addEventListener("click", () => ask("action", { action: a.kind, message: msg.id }));
        bar.append(b);
      }
      row.append(bar);
    }
    return row;
  }

  function renderTranscript() {
    const stick = nearBottom();
    const msgs = model.get("transcript") || [];
    list.replaceChildren(...msgs.map(messageNode));
    if (!msgs.length) {
      list.append(el("div", "nw-chat-empty", "No messages yet. Try one of the suggestions below."));
    }
    for (const id of live.keys()) {
      const m = msgs.find((x) => x.id === id);
      if (!m || m.status !== "streaming") live.delete(id);
    }
    if (stick) toBottom();
  }

  function renderState() {
    header.textContent = model.get("title") || "";
    header.hidden = !model.get("title");
    const busy = model.get("busy");
    send.disabled = busy;
    stop.style.display = busy ? "" : "none";
    box.classList.toggle("nw-busy", busy);
    status.replaceChildren();
    if (model.get("still_working")) {
      status.append(el("span", "nw-chat-working", "⏳ Still working…"));
    } else if (busy) {
      status.append(el("span", "nw-chat-writing", "NemoVideo is writing…"));
    }
    const err = model.get("error");
    error.textContent = err ? "⚠ " + err : "";
    error.style.display = err ? "" : "none";
  }

  function renderSuggestions() {
    chips.replaceChildren();
    for (const s of model.get("suggestions") || []) {
      const b = el("button", "nw-chat-suggestion", s);
      b.title = "Send: " + s;
      b.addEventListener("click", () => submit(s));
      chips.append(b);
    }
  }

  function submit(text) {
    text = (text || "").trim();
    if (!text || model.get("busy")) return;
    ask("send", { text });
    input.value = "";
    toBottom();
  }

  function onDelta(msg) {
    if (!msg || msg.kind !== "delta") return;
    const id = msg.message;
    const prev = live.get(id) || "";
    // offset makes a repeated delta harmless
    const next = prev.slice(0, Math.min(prev.length, msg.offset ?? prev.length)) + msg.text;
    live.set(id, next);
    const row = list.querySelector(`[data-id="${CSS.escape(id)}"]`);
    const m = (model.get("transcript") || []).find((x) => x.id === id);
    if (!row || !m) return;
    const stick = nearBottom();
    renderBody(row.querySelector(".nw-chat-body"), m);
    if (stick) toBottom();
  }

  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submit(input.value);
    }
    ev.stopPropagation(); // keep JupyterLab's notebook shortcuts out of the text box
  });
  send.addEventListener("click", () => submit(input.value));
  stop.addEventListener("click", () => ask("stop"));

  model.on("change:transcript", renderTranscript);
  model.on("change:busy change:still_working change:error change:title", renderState);
  model.on("change:suggestions", renderSuggestions);
  model.on("msg:custom", onDelta);
  renderTranscript();
  renderState();
  renderSuggestions();
  requestAnimationFrame(toBottom);

  return () => {
    model.off("change:transcript", renderTranscript);
    model.off("change:busy change:still_working change:error change:title", renderState);
    model.off("change:suggestions", renderSuggestions);
    model.off("msg:custom", onDelta);
    dispose();
  };
}

export default { render };
