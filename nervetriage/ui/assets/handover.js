// NerveTriage's "send it back" panel (st.components.v2, served from this repository; see
// nervetriage/ui/handover_widget.py). The markup is static and comes from Python; this script
// only fills it in, with textContent, .value and setAttribute (never innerHTML), and wires
// the buttons:
//   Copy link  navigator.clipboard.writeText, else a hidden textarea and
//              document.execCommand("copy"), else the link is selected for the person;
//              the polite live region says which ("Link copied" / "Select the link and copy it").
//   Share…     shown only where navigator.share exists; an AbortError (the person closed
//              the share sheet) is not a failure; any other error falls back to copying.
//   Send …     an <a href="mailto:..."> (only ever a mailto: link), styled as a button;
//              Space activates it too, as it does a button.
// Streamlit calls this function again on every rerun with the new data: the elements and
// their listeners are set up once per panel and updated in place. Nothing goes back to
// Python (no setTriggerValue): a copy must not rerun the app or reach the server.
const PANELS = new WeakMap();

function part(panel, name) {
  return panel.querySelector(`[data-nt="${name}"]`);
}

function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function label(state, name, fallback) {
  const value = state.labels && state.labels[name];
  return typeof value === "string" && value ? value : fallback;
}

function announce(state, message) {
  // Emptied first and filled a moment later, so a second "Link copied" is announced again.
  clearTimeout(state.timer);
  state.status.textContent = "";
  state.timer = setTimeout(() => {
    state.status.textContent = message;
  }, 50);
}

function legacyCopy(state, text) {
  const root = state.panel.getRootNode();
  const before = root.activeElement || document.activeElement;
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", ""); // no on-screen keyboard on a phone
  area.setAttribute("aria-hidden", "true");
  area.setAttribute("tabindex", "-1");
  area.className = "nt-offscreen";
  state.panel.appendChild(area);
  let copied = false;
  try {
    area.focus({ preventScroll: true });
    area.select();
    area.setSelectionRange(0, text.length); // iOS selects nothing with select() alone
    copied = document.execCommand("copy") === true;
  } catch (err) {
    copied = false;
  }
  area.remove();
  if (before && typeof before.focus === "function") before.focus({ preventScroll: true });
  return copied;
}

async function copy(state) {
  const text = state.link;
  let copied = false;
  const clipboard = navigator.clipboard;
  if (clipboard && typeof clipboard.writeText === "function") {
    try {
      await clipboard.writeText(text);
      copied = true;
    } catch (err) {
      copied = false; // not allowed here (permissions, an unfocused page, an insecure origin)
    }
  }
  if (!copied) copied = legacyCopy(state, text);
  if (copied) {
    announce(state, label(state, "copied", "Link copied"));
    return;
  }
  announce(state, label(state, "failed", "Select the link and copy it"));
  state.field.focus();
  state.field.select();
  state.field.setSelectionRange(0, state.field.value.length);
}

async function share(state) {
  if (typeof navigator.share !== "function") {
    await copy(state);
    return;
  }
  const payload = { title: state.shareTitle, text: state.shareText, url: state.link };
  if (!payload.title) delete payload.title;
  if (!payload.text) delete payload.text;
  try {
    await navigator.share(payload);
  } catch (err) {
    if (err && err.name === "AbortError") return; // the person closed the share sheet
    await copy(state);
  }
}

function fit(state) {
  // Where CSS cannot size the field to its text (field-sizing), size it here; the CSS
  // max-height still caps it, and it scrolls beyond that.
  if (state.sized) return;
  const field = state.field;
  field.style.height = "auto";
  field.style.height = `${field.scrollHeight + 2}px`;
}

function setUp(panel) {
  const state = {
    panel: panel,
    field: part(panel, "link"),
    copyButton: part(panel, "copy"),
    shareButton: part(panel, "share"),
    send: part(panel, "send"),
    status: part(panel, "status"),
    link: "",
    labels: {},
    shareTitle: "",
    shareText: "",
    timer: null,
    generation: 0,
    sized: typeof CSS !== "undefined" && CSS.supports && CSS.supports("field-sizing", "content"),
    abort: new AbortController(),
    observer: null,
  };
  const signal = state.abort.signal;
  state.field.addEventListener("focus", () => state.field.select(), { signal });
  state.copyButton.addEventListener("click", () => copy(state), { signal });
  state.shareButton.addEventListener("click", () => share(state), { signal });
  state.send.addEventListener("keydown", (event) => {
    if (event.key === " " || event.key === "Spacebar") { // a link styled as a button answers Space as a button does
      event.preventDefault();
      state.send.click();
    }
  }, { signal });
  state.send.addEventListener("click", (event) => {
    if (!(state.send.getAttribute("href") || "").startsWith("mailto:")) event.preventDefault();
  }, { signal });
  if (!state.sized && typeof ResizeObserver === "function") {
    state.observer = new ResizeObserver(() => fit(state));
    state.observer.observe(state.field);
  }
  return state;
}

function tearDown(state) {
  state.abort.abort();
  if (state.observer) state.observer.disconnect();
  clearTimeout(state.timer);
  PANELS.delete(state.panel);
}

function update(state, data) {
  state.labels = data.labels && typeof data.labels === "object" ? data.labels : {};
  state.shareTitle = typeof data.shareTitle === "string" ? data.shareTitle : "";
  state.shareText = typeof data.shareText === "string" ? data.shareText : "";
  const link = typeof data.link === "string" ? data.link : "";
  if (state.link !== link || state.field.value !== link) {
    state.link = link;
    state.field.value = link;
    clearTimeout(state.timer);
    state.status.textContent = ""; // "copied" was about the old link
    fit(state);
  }
  state.field.setAttribute("aria-label", label(state, "field", "Link"));
  setText(state.copyButton, label(state, "copy", "Copy link"));
  setText(state.shareButton, label(state, "share", "Share…"));
  state.shareButton.hidden = typeof navigator.share !== "function";

  const mailto = typeof data.mailto === "string" && data.mailto.startsWith("mailto:") ? data.mailto : null;
  if (mailto) {
    if (state.send.getAttribute("href") !== mailto) state.send.setAttribute("href", mailto);
    setText(state.send, typeof data.send === "string" && data.send ? data.send : "Send by email");
    state.send.hidden = false;
  } else {
    state.send.removeAttribute("href");
    setText(state.send, "");
    state.send.hidden = true;
  }
}

export default function (component) {
  const { data, parentElement } = component;
  const panel = parentElement && parentElement.querySelector('[data-nt="panel"]');
  if (!panel || !data) return undefined;
  let state = PANELS.get(panel);
  if (!state) {
    state = setUp(panel);
    PANELS.set(panel, state);
  }
  update(state, data);
  // Streamlit keeps the cleanup of the latest call and runs it when the panel goes away; it
  // runs an earlier one straight away if that call was overtaken by a newer rerun, which
  // must then leave the panel as the newer call set it up.
  const generation = ++state.generation;
  return () => {
    if (state.generation === generation) tearDown(state);
  };
}
