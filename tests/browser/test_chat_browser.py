"""The chat cell in JupyterLab: text streams in before the turn ends; the transcript is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Records, in order, what the chat cell showed: the writing indicator, assistant text on a
# message that is still streaming (a delta), and the end of the turn (the transcript trait).
WATCH_JS = """() => {
  window.__nwLog = [];
  const root = document.querySelector('.nw-chat');
  const seen = new Set();
  const note = (what) => { if (!seen.has(what)) { seen.add(what); window.__nwLog.push(what); } };
  new MutationObserver(() => {
    if (root.querySelector('.nw-chat-writing')) note('writing');
    for (const m of root.querySelectorAll('.nw-chat-assistant[data-status=streaming]')) {
      const body = m.querySelector('.nw-chat-body');
      if (body && !body.querySelector('.nw-chat-dots') && body.textContent.trim()) note('partial');
    }
    if (root.querySelector('.nw-chat-assistant[data-status=done]')) note('done');
  }).observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def test_chat_streams_translates_and_keeps_its_transcript(
    notebook: Callable[..., Any], screenshot: Callable[..., Any]
) -> None:
    nb = notebook(
        "chat.ipynb",
        [
            "import nemo_widgets as nw\ns = nw.connect()\nchat = s.chat_cell()\nchat",
            "print('turns', [(m['role'], m['status']) for m in chat.transcript])",
        ],
    )
    nb.open(accept_kernel_dialog=True)
    nb.run_all()
    page = nb.page
    chat = page.locator(".nw-chat")
    chat.wait_for()
    # the skill's "try saying" prompts are one-click chips
    assert page.locator(".nw-chat-suggestion", has_text="add captions in English").count() == 1
    page.evaluate(WATCH_JS)

    box = chat.locator("textarea")
    box.click()
    box.type("hel")
    box.press("Shift+Enter")  # a new line, not a send
    assert page.locator(".nw-chat-user").count() == 0
    box.press("Backspace")
    box.type("p")
    box.press("Enter")
    done = chat.locator(".nw-chat-assistant[data-status=done]")
    done.wait_for(timeout=60_000)
    log = page.evaluate("window.__nwLog")
    assert log.index("writing") < log.index("done"), log
    assert "partial" in log and log.index("partial") < log.index("done"), log
    text = done.inner_text()
    assert "Here is what I can do" in text
    # "click Export" was translated into a button; markdown lists became real list items
    assert "click Export" not in text
    assert chat.locator(".nw-chat-assistant li").count() >= 5
    assert not chat.locator(".nw-chat-send").is_disabled()

    # The Export button really exports: on an empty timeline the client's message says why not
    chat.locator(".nw-chat-action", has_text="Export").first.click()
    error = chat.locator(".nw-chat-error")
    error.wait_for(state="visible", timeout=30_000)
    assert "Nothing to export yet" in error.inner_text()
    # an edit: the tool call is a small chip that opens to show its args and result
    box.click()
    box.type("add a title 'Hello' for 3 seconds")
    box.press("Enter")
    chip = chat.locator(".nw-chat-tool.done", has_text="edit_multitrack")
    chip.wait_for(timeout=60_000)
    chip.locator("summary").click()
    assert "Hello" in chip.locator(".nw-chat-tool-args").inner_text()
    assert chip.locator(".nw-chat-tool-result").inner_text().startswith("result:")
    chat.locator(".nw-chat-action", has_text="Preview timeline").last.wait_for()
    screenshot(page, "chat.png")

    out = nb.run_cell(1)
    assert "('user', 'done'), ('assistant', 'done'), ('assistant', 'error')" in out, out

    # The transcript is widget state: saved with the notebook, shown again after a reload.
    nb.save()
    saved = str(nb.saved()["metadata"].get("widgets", {}))
    assert "Here is what I can do" in saved and "'help'" in saved
    nb.reload()
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    try:
        accept.wait_for(state="visible", timeout=5_000)
        accept.click()
    except Exception:
        pass
    again = page.locator(".nw-chat")
    again.wait_for()
    assert again.locator(".nw-chat-user").first.inner_text().strip() == "help"
    assert "Here is what I can do" in again.locator(".nw-chat-assistant").first.inner_text()


def test_reply_html_is_shown_as_text(notebook: Callable[..., Any]) -> None:
    """A backend reply with HTML in it never becomes elements in the page."""
    nb = notebook(
        "chat_html.ipynb",
        [
            "import nemo_widgets as nw\n"
            "from nemo_widgets.widgets import ChatCell\n"
            "s = nw.connect()\nchat = ChatCell(s)\n"
            "evil = '<img src=x onerror=\"window.__pwned=1\"> **bold** [x](javascript:alert(1))'\n"
            "chat.transcript = [{'id': 'a1', 'role': 'assistant', 'text': evil, "
            "'status': 'done', 'tools': [], 'actions': []}]\nchat",
        ],
    )
    nb.open(accept_kernel_dialog=True)
    nb.run_all()
    page = nb.page
    body = page.locator(".nw-chat-assistant .nw-chat-body")
    body.wait_for()
    assert "<img src=x" in body.inner_text()
    assert body.locator("img").count() == 0
    assert body.locator("strong").inner_text() == "bold"
    assert body.locator("a").count() == 0  # javascript: links stay text
    assert page.evaluate("window.__pwned === undefined")
