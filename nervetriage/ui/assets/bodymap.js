// NerveTriage's tappable body map (st.components.v2, served from this repository; see
// nervetriage/ui/bodymap_widget.py and nervetriage/selection_map.py).
//
// Drawn by the plotly.js of the installed plotly package (vendor/plotly.min.js next to this
// file, loaded once per page with a <script src>), once with Plotly.newPlot and afterwards
// with Plotly.react: the map is never remounted. Plotly is static (staticPlot: no drag, zoom
// or touch handlers of its own); this script does the rest:
//   taps      pointerup close to its pointerdown (no drag, no long press, one finger) is a
//             tap: the pixel is turned into figure coordinates and tested against every
//             area's polygon (the first that holds it, as bodymap.target_at does); a tap just
//             outside every area takes the nearest one within SNAP_PX, never farther. The
//             area is shaded (or unshaded) at once, then told to Python.
//   Python    state "taps" = {token, ops: [[seq, id, side, on], ...]}: every tap Python has
//             not acknowledged yet (data.acked), at most one per area (a newer tap of an
//             area replaces its older one; `on` is what the person now sees). A state, not a
//             trigger: a rerun that replaces another still carries every tap. Sent when
//             the app is not running (see send), so it never starts a rerun against a page
//             the last run has not finished updating.
//   geometry  the figure and the areas' polygons come to a second, empty mount of this
//             component (data.role "geometry"): its message is the same every run, so
//             Streamlit sends it once and then only a reference; the map waits for it.
//   scroll    CSS touch-action: pan-y pinch-zoom: a vertical swipe that starts on the map
//             scrolls the page, and pinch zoom of the page works.
//   keyboard  a button over each area's label point, one per answer in the view shown (a
//             region drawn in both views gets one, in the first), with a roving tabindex: one
//             Tab stop; arrow keys, Home and End move; Space or Enter chooses. aria-pressed and
//             a name saying whether it is chosen; a polite live region says what changed. The
//             buttons take no pointer events: a tap or click always goes to the map.
//   views     buttons for the whole body and each view's legs close up (aria-pressed).
//   hover     with a mouse, a small tooltip names the area under the pointer.
// The markup is built here with createElement; every text comes from Python (content/ui.yaml)
// and is set with textContent, never innerHTML.
const SNAP_PX = 10; // a tap this close to an area, outside every area, takes that area
const SLOP_PX = 10; // a press that moves farther is a swipe, not a tap
const LONG_PRESS_MS = 650;
const CONFIG = {
  staticPlot: true, displayModeBar: false, scrollZoom: false, doubleClick: false,
  showTips: false, responsive: false, showAxisDragHandles: false,
};
const MAPS = new WeakMap();
// Per page (survives a remount, e.g. going to another step and back): the tap counter, the
// figures received, the view chosen and the taps not yet acknowledged, by component key.
// `plots` and `reacts` count the draws (a test checks the map is drawn once, then updated);
// `shaded` keeps the last ms from a tap to the map drawn with it (at most 500 of them).
const SHARED = window.__ntBodymap || (window.__ntBodymap = {
  seq: 0, statics: {}, waiting: {}, modes: {}, logs: {}, loading: null, plots: 0, reacts: 0, shaded: [],
});

function loadPlotly() {
  if (window.Plotly && typeof window.Plotly.react === "function") return Promise.resolve(window.Plotly);
  if (!SHARED.loading) {
    SHARED.loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("vendor/plotly.min.js", import.meta.url).href;
      script.async = true;
      script.dataset.nt = "plotly";
      script.addEventListener("load", () => {
        if (window.Plotly && typeof window.Plotly.react === "function") resolve(window.Plotly);
        else reject(new Error("plotly.js loaded but defined no Plotly"));
      });
      script.addEventListener("error", () => reject(new Error("plotly.js could not be fetched")));
      document.head.appendChild(script);
    });
    SHARED.loading.catch(() => { SHARED.loading = null; }); // a later mount tries again
  }
  return SHARED.loading;
}

function part(root, name) {
  return root.querySelector(`[data-nt="${name}"]`);
}

function setText(element, text) {
  const value = typeof text === "string" ? text : "";
  if (element.textContent !== value) element.textContent = value;
}

function words(state, name) {
  const value = state.text && state.text[name];
  return typeof value === "string" ? value : "";
}

function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

// ------------------------------------------------------------------ geometry

function prepareAreas(areas) {
  const list = [];
  for (const raw of Array.isArray(areas) ? areas : []) {
    const ring = Array.isArray(raw.ring) ? raw.ring.map(Number) : [];
    if (ring.length < 6) continue;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < ring.length; i += 2) {
      x0 = Math.min(x0, ring[i]); x1 = Math.max(x1, ring[i]);
      y0 = Math.min(y0, ring[i + 1]); y1 = Math.max(y1, ring[i + 1]);
    }
    list.push({
      key: String(raw.key), uid: `${raw.view}:${raw.key}`, id: String(raw.id), side: String(raw.side || ""), view: String(raw.view),
      label: String(raw.label), ring: ring, at: [Number(raw.at[0]), Number(raw.at[1])], box: [x0, x1, y0, y1],
    });
  }
  return list;
}

function inRing(ring, x, y) {
  let inside = false;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i], yi = ring[2 * i + 1], xj = ring[2 * j], yj = ring[2 * j + 1];
    if ((yi > y) !== (yj > y) && x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
  }
  return inside;
}

function ringDistance(ring, x, y) {
  let best = Infinity;
  const n = ring.length / 2;
  for (let i = 0; i < n - 1; i++) {
    const ax = ring[2 * i], ay = ring[2 * i + 1], bx = ring[2 * i + 2], by = ring[2 * i + 3];
    const dx = bx - ax, dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1e-12)));
    best = Math.min(best, Math.hypot(x - (ax + t * dx), y - (ay + t * dy)));
  }
  return best;
}

function axes(state) {
  const layout = state.plot && state.plot._fullLayout;
  return layout && layout.xaxis && layout.yaxis ? { x: layout.xaxis, y: layout.yaxis } : null;
}

// The area at a point of the window (client px), or null.
function hitTest(state, clientX, clientY) {
  const ax = axes(state);
  if (!ax) return null;
  const rect = state.plot.getBoundingClientRect();
  const px = clientX - rect.left - ax.x._offset;
  const py = clientY - rect.top - ax.y._offset;
  if (px < 0 || py < 0 || px > ax.x._length || py > ax.y._length) return null;
  const x = ax.x.p2l(px), y = ax.y.p2l(py);
  for (const area of state.areas) {
    const [x0, x1, y0, y1] = area.box;
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && inRing(area.ring, x, y)) return area;
  }
  const reach = SNAP_PX / Math.abs(ax.x._m || 1);
  let best = null, bestDistance = reach;
  for (const area of state.areas) {
    const [x0, x1, y0, y1] = area.box;
    if (x < x0 - reach || x > x1 + reach || y < y0 - reach || y > y1 + reach) continue;
    const distance = ringDistance(area.ring, x, y);
    if (distance <= bestDistance) { best = area; bestDistance = distance; }
  }
  return best;
}

// ------------------------------------------------------------------ chosen, and taps

function log(state) {
  const logs = SHARED.logs;
  if (!logs[state.key]) logs[state.key] = { token: null, ops: [] };
  return logs[state.key];
}

function shownStyle(state, key) {
  const pending = log(state).ops.find((op) => `${op[1]}:${op[2]}` === key);
  if (pending) {
    if (!pending[3]) return null;
    const known = state.chosen[key];
    if (known) return known;
    return key.endsWith(":") ? state.static.newSiteFill : state.static.newFill;
  }
  return state.chosen[key] || null;
}

// Taps go to Python one batch at a time, and only when the app is not running: then the
// page the person sees is the one the last run left (a widget that run changed, such as
// the Where page's list, shows its new value, so the next run does not take an older value
// for a change), and a rerun never replaces a running one. Until then the taps wait in the
// log (they are shown at once); after IDLE_WAIT_MS they go anyway.
const IDLE_WAIT_MS = 3000;

function appBusy() {
  const app = document.querySelector('[data-testid="stApp"]');
  const run = app && app.getAttribute("data-test-script-state");
  return run === "running" || run === "rerunRequested";
}

function send(state) {
  state.unsent = true;
  trySend(state);
}

function trySend(state) {
  if (!state.unsent || !state.setStateValue || state.torn) return;
  if (state.inFlight || appBusy()) {
    waitUntilIdle(state);
    return;
  }
  sendNow(state);
}

function sendNow(state) {
  stopWaiting(state);
  const entry = log(state);
  state.unsent = false;
  state.inFlight = true; // until a run has drawn the map again
  state.setStateValue("taps", { token: entry.token, ops: entry.ops.map((op) => op.slice()) });
}

function waitUntilIdle(state) {
  if (state.idleWait) return;
  const app = document.querySelector('[data-testid="stApp"]');
  const observer = new MutationObserver(() => trySend(state));
  if (app) observer.observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
  const timer = setTimeout(() => { if (state.unsent && !state.torn) sendNow(state); }, IDLE_WAIT_MS);
  state.idleWait = { observer: observer, timer: timer };
}

function stopWaiting(state) {
  if (!state.idleWait) return;
  state.idleWait.observer.disconnect();
  clearTimeout(state.idleWait.timer);
  state.idleWait = null;
}

function toggle(state, area) {
  const on = !shownStyle(state, area.key);
  const entry = log(state);
  const seq = Math.max(SHARED.seq, state.acked) + 1;
  SHARED.seq = seq;
  entry.token = state.token;
  entry.ops = entry.ops.filter((op) => `${op[1]}:${op[2]}` !== area.key);
  entry.ops.push([seq, area.id, area.side, on ? 1 : 0]);
  if (entry.ops.length > state.maxOps) entry.ops = entry.ops.slice(-state.maxOps);
  state.tappedAt = state.tappedAt || performance.now();
  redraw(state, true);
  updateButtons(state);
  announce(state, fill(words(state, on ? "added" : "removed"), { area: area.label }));
  send(state);
}

function announce(state, message) {
  // Emptied first and filled a moment later, so the same message twice is announced twice.
  clearTimeout(state.announceTimer);
  state.status.textContent = "";
  state.announceTimer = setTimeout(() => { state.status.textContent = message; }, 60);
}

// ------------------------------------------------------------------ drawing

function currentMode(state) {
  const modes = state.static.modes;
  return modes.find((m) => m.id === state.mode) || modes[0];
}

function sizeFor(state, mode) {
  const width = Math.max(240, Math.round(state.stage.clientWidth || state.root.clientWidth || 640));
  const margin = { l: 4, r: 4, t: Number(mode.marginTop) || 4, b: 4 };
  const perUnit = (width - margin.l - margin.r) / (mode.x[1] - mode.x[0]);
  const natural = perUnit * (mode.y[1] - mode.y[0]) + margin.t + margin.b;
  // The whole body as tall as before; a close-up as tall as the width allows (on a phone
  // that makes its small areas big enough to tap), but not endless on a wide screen.
  const cap = mode.id === "whole" ? 660 : width >= 560 ? 900 : 1600;
  return { width: width, height: Math.round(Math.min(natural, cap)), margin: margin };
}

function traceFor(rings, style, width) {
  const x = [], y = [];
  for (const ring of rings) {
    if (x.length) { x.push(null); y.push(null); }
    for (let i = 0; i < ring.length; i += 2) { x.push(ring[i]); y.push(ring[i + 1]); }
  }
  const trace = { type: "scatter", mode: "lines", x: x, y: y, hoverinfo: "skip", showlegend: false,
    line: { color: style.line, width: width } };
  if (style.fill) { trace.fill = "toself"; trace.fillcolor = style.fill; }
  return trace;
}

function composeData(state) {
  const figure = state.static.figure;
  const groups = new Map();
  for (const area of state.areas) {
    const style = shownStyle(state, area.key);
    if (!style) continue;
    const id = `${style[0]}|${style[1]}`;
    if (!groups.has(id)) groups.set(id, { style: { fill: style[0], line: style[1] }, rings: [] });
    groups.get(id).rings.push(area.ring);
  }
  const chosen = Array.from(groups.values(), (g) => traceFor(g.rings, g.style, 1.2));
  const at = Number(state.static.highlightAt) || figure.data.length;
  const data = [...figure.data.slice(0, at), ...chosen, ...figure.data.slice(at)];
  const focused = state.focusUid && state.areaByUid.get(state.focusUid);
  if (focused && state.focusVisible) { // the focus ring around the area itself, white under dark
    data.push(traceFor([focused.ring], { line: "#ffffff" }, 5));
    data.push(traceFor([focused.ring], { line: "#0f1a1d" }, 2.5));
  }
  return data;
}

function composeLayout(state, mode, size) {
  const base = state.static.figure.layout;
  return Object.assign({}, base, {
    width: size.width, height: size.height, margin: size.margin, autosize: false,
    annotations: Array.isArray(mode.annotations) ? mode.annotations : [],
    xaxis: Object.assign({}, base.xaxis, { range: mode.x.slice(), autorange: false }),
    yaxis: Object.assign({}, base.yaxis, { range: mode.y.slice(), autorange: false }),
  });
}

function redraw(state, now) {
  state.dirty = true;
  if (state.busy) return;
  const run = async () => {
    state.busy = true;
    try {
      while (state.dirty) {
        state.dirty = false;
        await draw(state);
      }
    } catch (err) {
      failed(state, err);
    } finally {
      state.busy = false;
    }
  };
  if (now) run();
  else requestAnimationFrame(run);
}

async function draw(state) {
  if (!state.static || state.torn) return;
  const mode = currentMode(state);
  const size = sizeFor(state, mode);
  state.plot.style.height = `${size.height}px`; // keep the space while plotly.js loads
  const Plotly = await loadPlotly();
  if (state.torn) return;
  const data = composeData(state);
  const layout = composeLayout(state, mode, size);
  if (!state.drawn) {
    await Plotly.newPlot(state.plot, data, layout, CONFIG);
    state.drawn = true;
    SHARED.plots += 1;
  } else {
    await Plotly.react(state.plot, data, layout, CONFIG);
    SHARED.reacts += 1;
  }
  state.width = size.width;
  if (state.tappedAt) {
    SHARED.shaded.push(performance.now() - state.tappedAt);
    if (SHARED.shaded.length > 500) SHARED.shaded.shift();
    state.tappedAt = 0;
  }
  placeButtons(state);
  setText(state.message, "");
  state.message.hidden = true;
  state.root.setAttribute("data-nt-ready", "1");
  state.root.setAttribute("data-nt-mode", mode.id);
}

function failed(state, err) {
  state.message.hidden = false;
  setText(state.message, words(state, "failed"));
  state.root.setAttribute("data-nt-error", String(err && err.message ? err.message : err));
}

// ------------------------------------------------------------------ keyboard

function buildButtons(state) {
  state.keys.replaceChildren();
  state.buttons = new Map();
  for (const area of state.areas) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "nt-bodymap-key";
    button.setAttribute("data-nt", "region");
    button.setAttribute("data-region", area.id);
    button.setAttribute("data-side", area.side);
    button.setAttribute("data-key", area.key);
    button.setAttribute("data-view", area.view);
    button.tabIndex = -1;
    button.hidden = true;
    state.keys.appendChild(button);
    state.buttons.set(area.uid, button);
  }
  updateButtons(state);
}

function updateButtons(state) {
  for (const area of state.areas) {
    const button = state.buttons.get(area.uid);
    if (!button) continue;
    const on = Boolean(shownStyle(state, area.key));
    const pressed = on ? "true" : "false";
    if (button.getAttribute("aria-pressed") !== pressed) button.setAttribute("aria-pressed", pressed);
    const name = fill(words(state, "areaName"), { area: area.label, state: words(state, on ? "on" : "off") });
    if (button.getAttribute("aria-label") !== name) button.setAttribute("aria-label", name);
  }
}

function visibleButtons(state) {
  return state.order.map((area) => state.buttons.get(area.uid));
}

function placeButtons(state) {
  const ax = axes(state);
  if (!ax) return;
  const placed = [];
  const keyed = new Set(); // a region drawn in both views is one answer: one button, in the first view shown
  for (const area of state.areas) {
    const button = state.buttons.get(area.uid);
    const px = ax.x._offset + ax.x.l2p(area.at[0]);
    const py = ax.y._offset + ax.y.l2p(area.at[1]);
    const inside = !keyed.has(area.key) && px >= ax.x._offset && px <= ax.x._offset + ax.x._length
      && py >= ax.y._offset && py <= ax.y._offset + ax.y._length;
    if (inside) keyed.add(area.key);
    button.hidden = !inside;
    if (inside) {
      button.style.left = `${px.toFixed(1)}px`;
      button.style.top = `${py.toFixed(1)}px`;
      placed.push({ area: area, x: px, y: py });
    }
  }
  // reading order: by view, then top to bottom, then left to right
  placed.sort((a, b) => (a.area.view === b.area.view ? 0 : a.area.view === "front" ? -1 : 1) || a.y - b.y || a.x - b.x);
  state.order = placed.map((p) => p.area);
  state.positions = new Map(placed.map((p) => [p.area.uid, p]));
  const visible = visibleButtons(state);
  const active = document.activeElement;
  let current = visible.find((b) => b.tabIndex === 0) || visible[0];
  if (active && visible.includes(active)) current = active;
  for (const button of state.buttons.values()) button.tabIndex = button === current ? 0 : -1;
}

function focusButton(state, button) {
  if (!button) return;
  for (const other of state.buttons.values()) other.tabIndex = other === button ? 0 : -1;
  button.focus();
}

function nearestInDirection(state, from, dx, dy) {
  const start = state.positions.get(`${from.getAttribute("data-view")}:${from.getAttribute("data-key")}`);
  if (!start) return null;
  let best = null, bestScore = Infinity;
  for (const [uid, p] of state.positions) {
    if (uid === start.area.uid) continue;
    const ox = p.x - start.x, oy = p.y - start.y;
    const along = ox * dx + oy * dy; // how far in the pressed direction
    if (along <= 2) continue;
    const across = Math.abs(ox * dy - oy * dx);
    const score = along + 2 * across;
    if (score < bestScore) { bestScore = score; best = state.buttons.get(uid); }
  }
  return best;
}

function onKey(state, event) {
  const button = event.target.closest && event.target.closest('[data-nt="region"]');
  if (!button) return;
  const visible = visibleButtons(state);
  const index = visible.indexOf(button);
  let next = null;
  if (event.key === "ArrowRight") next = visible[(index + 1) % visible.length];
  else if (event.key === "ArrowLeft") next = visible[(index - 1 + visible.length) % visible.length];
  else if (event.key === "ArrowDown") next = nearestInDirection(state, button, 0, 1) || visible[(index + 1) % visible.length];
  else if (event.key === "ArrowUp") next = nearestInDirection(state, button, 0, -1) || visible[(index - 1 + visible.length) % visible.length];
  else if (event.key === "Home") next = visible[0];
  else if (event.key === "End") next = visible[visible.length - 1];
  else return;
  event.preventDefault();
  focusButton(state, next);
}

// ------------------------------------------------------------------ hover (mouse only)

function showTip(state, area, clientX, clientY) {
  if (!area) { hideTip(state); return; }
  const on = Boolean(shownStyle(state, area.key));
  setText(state.tip, on ? fill(words(state, "areaName"), { area: area.label, state: words(state, "on") }) : area.label);
  state.tip.hidden = false;
  const box = state.stage.getBoundingClientRect();
  const tipWidth = state.tip.offsetWidth, tipHeight = state.tip.offsetHeight;
  let left = clientX - box.left + 14, top = clientY - box.top - tipHeight - 10;
  if (left + tipWidth > box.width - 2) left = Math.max(2, clientX - box.left - tipWidth - 14);
  if (top < 2) top = clientY - box.top + 18;
  state.tip.style.left = `${Math.round(left)}px`;
  state.tip.style.top = `${Math.round(top)}px`;
}

function hideTip(state) {
  state.tip.hidden = true;
  state.stage.style.cursor = "";
}

// ------------------------------------------------------------------ set-up

function buildModes(state) {
  state.modes.replaceChildren();
  state.modeButtons = new Map();
  for (const mode of state.static.modes) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "nt-bodymap-mode";
    button.setAttribute("data-nt", "mode");
    button.setAttribute("data-mode", mode.id);
    state.modes.appendChild(button);
    state.modeButtons.set(mode.id, button);
  }
  updateModes(state);
}

function updateModes(state) {
  const labels = (state.text && state.text.modes) || {};
  if (!state.modeButtons) return;
  const current = currentMode(state).id;
  for (const [id, button] of state.modeButtons) {
    setText(button, typeof labels[id] === "string" ? labels[id] : id);
    button.setAttribute("aria-pressed", id === current ? "true" : "false");
  }
}

function setMode(state, id) {
  if (!state.static.modes.some((m) => m.id === id) || state.mode === id) return;
  state.mode = id;
  SHARED.modes[state.key] = id;
  updateModes(state);
  hideTip(state);
  redraw(state, true);
}

function setUp(root) {
  const state = {
    root: root, modes: part(root, "modes"), help: part(root, "help"), stage: part(root, "stage"),
    plot: part(root, "plot"), keys: part(root, "keys"), tip: part(root, "tooltip"), message: part(root, "message"),
    status: part(root, "status"), key: "bodymap", static: null, staticId: null, areas: [], areaByUid: new Map(),
    order: [], positions: new Map(), buttons: new Map(), chosen: {}, acked: 0, token: null, maxOps: 200,
    text: {}, mode: "whole", drawn: false, busy: false, dirty: false, torn: false, press: null, focusUid: null,
    focusVisible: false, width: 0, setStateValue: null, idleWait: null, tappedAt: 0, unsent: false, inFlight: false,
    abort: new AbortController(), observer: null, announceTimer: null,
  };
  const signal = state.abort.signal;
  const stage = state.stage;
  if (!root.id) root.id = `nt-bodymap-${Math.random().toString(36).slice(2, 10)}`;
  state.help.id = `${root.id}-help`;
  root.setAttribute("aria-describedby", state.help.id);

  stage.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    if (!event.isPrimary || state.press) { state.press = null; return; } // a second finger: a pinch
    state.press = { id: event.pointerId, x: event.clientX, y: event.clientY, t: event.timeStamp, moved: false };
  }, { signal });
  stage.addEventListener("pointermove", (event) => {
    const press = state.press;
    if (press && press.id === event.pointerId && Math.hypot(event.clientX - press.x, event.clientY - press.y) > SLOP_PX) press.moved = true;
    if (event.pointerType === "mouse" && !press) {
      const area = hitTest(state, event.clientX, event.clientY);
      stage.style.cursor = area ? "pointer" : "";
      showTip(state, area, event.clientX, event.clientY);
    }
  }, { signal });
  stage.addEventListener("pointerup", (event) => {
    const press = state.press;
    state.press = null;
    if (!press || press.id !== event.pointerId || press.moved) return;
    if (Math.hypot(event.clientX - press.x, event.clientY - press.y) > SLOP_PX) return;
    if (event.timeStamp - press.t > LONG_PRESS_MS) return;
    const area = hitTest(state, event.clientX, event.clientY);
    root.setAttribute("data-nt-last-tap", area ? area.key : ""); // what the last tap took (tests read it)
    if (area) toggle(state, area);
    if (event.pointerType === "mouse") showTip(state, area, event.clientX, event.clientY);
  }, { signal });
  stage.addEventListener("pointercancel", () => { state.press = null; }, { signal }); // the page scrolled
  stage.addEventListener("pointerleave", () => hideTip(state), { signal });
  stage.addEventListener("contextmenu", (event) => { if (event.pointerType !== "mouse") event.preventDefault(); }, { signal });

  state.keys.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest('[data-nt="region"]');
    const area = button && state.areaByUid.get(`${button.getAttribute("data-view")}:${button.getAttribute("data-key")}`);
    if (area) toggle(state, area);
  }, { signal });
  state.keys.addEventListener("keydown", (event) => onKey(state, event), { signal });
  state.keys.addEventListener("focusin", (event) => {
    const button = event.target.closest && event.target.closest('[data-nt="region"]');
    if (!button) return;
    for (const other of state.buttons.values()) other.tabIndex = other === button ? 0 : -1;
    state.focusUid = `${button.getAttribute("data-view")}:${button.getAttribute("data-key")}`;
    state.focusVisible = button.matches(":focus-visible");
    redraw(state);
  }, { signal });
  state.keys.addEventListener("focusout", (event) => {
    if (event.relatedTarget && state.keys.contains(event.relatedTarget)) return;
    state.focusUid = null;
    redraw(state);
  }, { signal });
  state.modes.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest('[data-nt="mode"]');
    if (button) setMode(state, button.getAttribute("data-mode"));
  }, { signal });

  if (typeof ResizeObserver === "function") {
    state.observer = new ResizeObserver(() => {
      const width = Math.round(stage.clientWidth);
      if (state.drawn && width && Math.abs(width - state.width) >= 1) redraw(state);
    });
    state.observer.observe(stage);
  }
  return state;
}

function tearDown(state) {
  state.torn = true;
  state.abort.abort();
  stopWaiting(state);
  if (state.observer) state.observer.disconnect();
  clearTimeout(state.announceTimer);
  if (state.drawn && window.Plotly) {
    try { window.Plotly.purge(state.plot); } catch (err) { /* already gone */ }
  }
  MAPS.delete(state.root);
}

function update(state, data, setStateValue) {
  state.setStateValue = setStateValue;
  state.key = typeof data.key === "string" && data.key ? data.key : state.key;
  state.text = data.text && typeof data.text === "object" ? data.text : {};
  state.maxOps = Number(data.maxOps) > 0 ? Number(data.maxOps) : 200;
  state.root.setAttribute("aria-label", words(state, "group"));
  state.modes.setAttribute("aria-label", words(state, "modesLabel"));
  setText(state.help, words(state, "help"));

  const id = typeof data.staticId === "string" ? data.staticId : null;
  const payload = id ? SHARED.statics[id] : null;
  if (!payload) { // its geometry has not arrived yet: update again when it does
    if (id) (SHARED.waiting[id] = SHARED.waiting[id] || new Map()).set(state, () => update(state, data, setStateValue));
    if (!state.drawn) { state.message.hidden = false; setText(state.message, words(state, "loading")); }
    return;
  }
  const fresh = state.staticId !== id;
  if (fresh) {
    state.static = payload;
    state.staticId = id;
    state.areas = prepareAreas(payload.areas);
    state.areaByUid = new Map(state.areas.map((a) => [a.uid, a]));
    if (!state.drawn) state.mode = SHARED.modes[state.key] || "whole";
    buildModes(state);
    buildButtons(state);
  }
  if (!state.drawn) { state.message.hidden = false; setText(state.message, words(state, "loading")); }

  state.chosen = data.chosen && typeof data.chosen === "object" ? data.chosen : {};
  state.acked = Number.isFinite(Number(data.acked)) ? Number(data.acked) : 0;
  const entry = log(state);
  const token = typeof data.token === "string" ? data.token : null;
  if (entry.token !== token) {
    // A new session (a reconnect to another server) or Start over: taps it has not
    // acknowledged go again, under its token.
    entry.token = token;
    state.token = token;
    if (entry.ops.length) send(state);
  } else {
    state.token = token;
    entry.ops = entry.ops.filter((op) => op[0] > state.acked);
  }
  updateModes(state);
  updateButtons(state);
  redraw(state, fresh || !state.drawn);
  state.inFlight = false; // a run has drawn the map since the last send
  trySend(state);
}

function element(tag, nt, className, attributes) {
  const node = document.createElement(tag);
  if (nt) node.setAttribute("data-nt", nt);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  return node;
}

function buildMarkup(parent) {
  const root = element("div", "bodymap", "nt-bodymap", { role: "group" });
  const stage = element("div", "stage", "nt-bodymap-stage");
  const tip = element("div", "tooltip", "nt-bodymap-tip", { "aria-hidden": "true" });
  tip.hidden = true;
  stage.append(element("div", "plot", "nt-bodymap-plot"), element("div", "keys", "nt-bodymap-keys"), tip,
    element("p", "message", "nt-bodymap-message"));
  root.append(element("div", "modes", "nt-bodymap-modes", { role: "group" }), element("p", "help", "nt-bodymap-sr"), stage,
    element("p", "status", "nt-bodymap-sr", { role: "status", "aria-live": "polite" }));
  parent.appendChild(root);
  return root;
}

function keepGeometry(data) {
  const id = typeof data.id === "string" ? data.id : null;
  if (!id || !data.payload || typeof data.payload !== "object") return;
  SHARED.statics[id] = data.payload;
  const waiting = SHARED.waiting[id];
  delete SHARED.waiting[id];
  if (waiting) for (const resume of waiting.values()) resume();
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  if (!parentElement || !data) return undefined;
  if (data.role === "geometry") {
    parentElement.setAttribute("data-nt", "geometry"); // shows nothing: bodymap.css hides its place
    keepGeometry(data);
    return undefined;
  }
  const root = parentElement.querySelector('[data-nt="bodymap"]') || buildMarkup(parentElement);
  let state = MAPS.get(root);
  if (!state) {
    state = setUp(root);
    MAPS.set(root, state);
  }
  update(state, data, setStateValue);
  // Streamlit runs a call's cleanup when the map goes away, but also as soon as a call was
  // overtaken by newer data (even when it is the latest call to have finished). So the map
  // is only taken down once its markup has left the page: otherwise it stays as it is,
  // drawn and listening (it is never remounted).
  return () => {
    setTimeout(() => {
      if (!state.root.isConnected && MAPS.get(state.root) === state) tearDown(state);
    }, 0);
  };
}
