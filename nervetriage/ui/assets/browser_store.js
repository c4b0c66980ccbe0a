// NerveTriage's bridge to the browser's own storage (st.components.v2, served from this
// repository). The answers live here, never on the server:
//   sessionStorage "nervetriage:tab"     this tab's answers and page, kept across reloads,
//                                        reconnects and a new server process;
//   localStorage   "nervetriage:device"  the same, kept between visits, only while the person
//                                        has chosen "Remember on this device";
//   localStorage   "nervetriage:remember" "1" while that choice is on.
// Once per page load and server session the stored records go to Python, which validates them like a link
// (nervetriage/storage.py) and restores them; only after that ("synced") does this script
// write, so a fresh session's empty form never overwrites what was kept. The device copy
// carries a revision: a tab writes it only if it is still the revision this tab last read
// or wrote; otherwise another tab changed it and Python asks which answers to keep.
const TAB = "nervetriage:tab";
const DEVICE = "nervetriage:device";
const REMEMBER = "nervetriage:remember";

function area(name) {
  try {
    const store = window[name];
    const probe = "nervetriage:probe";
    store.setItem(probe, "1");
    store.removeItem(probe);
    return store;
  } catch (err) {
    return null; // storage disabled (private mode, policy) or full
  }
}

function readRaw(store, key) {
  try {
    return store ? store.getItem(key) : null;
  } catch (err) {
    return null;
  }
}

function revisionOf(raw) {
  try {
    const record = JSON.parse(raw);
    return record && typeof record.rev === "string" ? record.rev : null;
  } catch (err) {
    return null;
  }
}

function sameAnswers(raw, answers) {
  try {
    return JSON.stringify(JSON.parse(raw).answers) === JSON.stringify(JSON.parse(answers));
  } catch (err) {
    return false;
  }
}

function newRevision() {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function record(data, rev) {
  return JSON.stringify({
    app: "nervetriage",
    format: 1,
    saved: new Date().toISOString(),
    rev: rev,
    page: data.page,
    answers: JSON.parse(data.answers),
  });
}

// Keyboard focus after a change of page (Next, Back, Start, a sidebar link): Streamlit leaves it
// at the top of the document (or on the button that is gone), so a keyboard or screen-reader
// user would start again from the top. It goes to the new page's first heading instead, once
// the page's run is over and that heading is no longer a stale one of the page before.
// Not on the page a tab first opens: there the browser's own start is right.
const FOCUS_WAIT_MS = 5000;

function focusHeading() {
  const deadline = performance.now() + FOCUS_WAIT_MS;
  const attempt = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const main = document.querySelector('[data-testid="stMain"]');
    const idle = app && app.getAttribute("data-test-script-state") !== "running";
    const heading = main && Array.from(main.querySelectorAll("h1, h2")).find(
      (h) => !h.closest('[data-stale="true"]') && h.getClientRects().length > 0);
    if (idle && heading) {
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus();
      return;
    }
    if (performance.now() < deadline) setTimeout(attempt, 50);
  };
  attempt();
}

// On a phone the menu lies over the page: after choosing a page in it, close it, as a menu
// does, so the new page is not hidden behind it. Beside the page (a wide screen) it stays.
function closeMenuOverPage() {
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const main = document.querySelector('[data-testid="stMain"]');
  const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button[aria-expanded="true"]');
  if (!sidebar || !main || !close) return;
  const menu = sidebar.getBoundingClientRect();
  if (menu.width > 0 && menu.right > 0 && main.getBoundingClientRect().left < menu.right - 1) close.click();
}

// The menu (frame._menu) is made of page links, which Streamlit does not mark as the page
// you are on; say it to assistive technology too, not only with the link's shading.
function markCurrentMenuItem(page) {
  const mark = () => {
    const links = document.querySelectorAll('[data-testid="stSidebar"] .st-key-nt_menu a[data-testid="stPageLink-NavLink"]');
    links.forEach((link) => {
      const target = (link.getAttribute("href") || "").replace(/^.*\//, "") || "welcome";
      if (target === page) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
  };
  mark();
  setTimeout(mark, 300); // the menu of the new page may be drawn a moment after this bridge
}

export default function (component) {
  const { data, setTriggerValue } = component;
  const state = window.__ntStore || (window.__ntStore = { session: null, seen: null, clear: 0, force: 0, adopt: 0, conflict: null, answers: null, page: null, remember: false });
  if (data && data.page) markCurrentMenuItem(data.page);
  if (data && data.page !== state.shownPage) {
    const opened = state.shownPage === undefined;
    state.shownPage = data.page;
    if (!opened) {
      closeMenuOverPage();
      focusHeading();
    }
  }
  const session = area("sessionStorage");
  const local = area("localStorage");
  state.trigger = setTriggerValue;
  if (!state.watching) {
    // After the connection drops and comes back (a restarted server, another replica),
    // Streamlit's new session would only start with the next click, and lose that click.
    // Asking for a run as soon as the page is connected again lets the new session read
    // this tab's answers first.
    const app = document.querySelector('[data-testid="stApp"]');
    if (app) {
      state.watching = true;
      let connected = app.getAttribute("data-test-connection-state") === "CONNECTED";
      new MutationObserver(() => {
        const now = app.getAttribute("data-test-connection-state") === "CONNECTED";
        if (now && !connected && state.trigger) state.trigger("reconnected", Date.now());
        connected = now;
      }).observe(app, { attributes: true, attributeFilter: ["data-test-connection-state"] });
    }
  }

  if (!data) return;
  if (state.session !== data.session) { // a new page load, or a new server session after a reconnect
    state.session = data.session;
    const remember = readRaw(local, REMEMBER) === "1";
    const device = remember ? readRaw(local, DEVICE) : null;
    state.seen = revisionOf(device);
    setTriggerValue("loaded", {
      available: Boolean(session),
      tab: readRaw(session, TAB),
      device: device,
      remember: remember,
    });
    return;
  }
  if (!data.synced) return;

  try {
    if (data.clear !== state.clear) { // Start over, or "Forget this device"
      state.clear = data.clear;
      if (session) session.removeItem(TAB);
      if (local) local.removeItem(DEVICE);
      state.answers = null;
      state.seen = null;
    }
    if (data.adopt !== state.adopt) { // the person chose the other tab's answers
      state.adopt = data.adopt;
      state.seen = data.adopt_rev || null;
      state.conflict = null;
    }
    let forced = false;
    if (data.force !== state.force) { // the person chose to keep this tab's answers
      state.force = data.force;
      forced = true;
      state.seen = revisionOf(readRaw(local, DEVICE));
      state.conflict = null;
    }
    const rememberedNow = Boolean(data.remember) && !state.remember; // just turned on: keep a copy now
    state.remember = Boolean(data.remember);
    if (local) {
      if (data.remember) local.setItem(REMEMBER, "1");
      else { local.removeItem(REMEMBER); local.removeItem(DEVICE); state.seen = null; }
    }
    if (data.answers === null) { // nothing entered: nothing to keep
      if (session) session.removeItem(TAB);
      if (local && data.remember) local.removeItem(DEVICE);
      state.answers = null;
      state.page = null;
      return;
    }
    const answersChanged = state.answers !== data.answers;
    if (session && (answersChanged || state.page !== data.page)) session.setItem(TAB, record(data, "tab"));
    state.answers = data.answers;
    state.page = data.page;
    if (local && data.remember && (answersChanged || forced || rememberedNow)) {
      const current = readRaw(local, DEVICE);
      const currentRev = revisionOf(current);
      if (current !== null && sameAnswers(current, data.answers)) { // nothing new to keep
        state.seen = currentRev;
        return;
      }
      if (current !== null && currentRev !== state.seen) {
        if (state.conflict !== currentRev) { // another tab wrote since this one read: ask once
          state.conflict = currentRev;
          setTriggerValue("conflict", { device: current });
        }
        return;
      }
      const rev = newRevision();
      local.setItem(DEVICE, record(data, rev));
      state.seen = rev;
    }
  } catch (err) {
    // quota exceeded or storage revoked mid-session: the page keeps working without it
  }
}
