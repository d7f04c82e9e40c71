// Checking a ticket: games tapped on the grid, the QR text, or a photo decoded on the server.

import { NumberGrid } from "./grid.js";
import { saveControl } from "./mine.js";
import { $, api, ballRow, errorBox, fill, formatDate, formatWon, gradedGame, h, LANG, LETTERS, showError, t, totalPrize } from "./ui.js";

const ticket = { games: [[], [], [], [], []], active: 0 };
let grid;

export function initCheck(latestDraw) {
  if (latestDraw) $("check-draw").value = latestDraw.draw_no;
  initTabs();
  grid = new NumberGrid($("ticket-grid"), {
    stateOf: (n) => (ticket.games[ticket.active].includes(n) ? "picked" : ""),
    describe: (n, s) => (s ? t("grid.picked", { n }) : String(n)),
    onPick: pick,
  });
  renderSlots();
  $("check-grid-form").addEventListener("submit", (event) => {
    event.preventDefault();
    checkTyped();
  });
  $("ticket-clear").addEventListener("click", () => {
    ticket.games = [[], [], [], [], []];
    ticket.active = 0;
    showError($("ticket-error"), "");
    renderSlots();
    grid.refresh();
  });
  $("check-qr-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const qr = $("qr-text").value.trim();
    if (!qr) {
      show(errorBox(t("check.qr_empty")));
      return;
    }
    submit({ qr }, { explain: qrMessage });
  });
  $("photo-input").addEventListener("change", () => {
    const file = $("photo-input").files[0];
    if (!file) return;
    const form = new FormData();
    form.append("image", file);
    submit(form, { path: "/api/tickets/scan", waiting: t("check.reading_photo") });
    $("photo-input").value = "";
  });
  initCamera();
}

function initTabs() {
  const tabs = [...document.querySelectorAll('#check [role="tab"]')];
  const select = (tab) => {
    for (const other of tabs) {
      const chosen = other === tab;
      other.setAttribute("aria-selected", String(chosen));
      other.tabIndex = chosen ? 0 : -1;
      $(other.getAttribute("aria-controls")).hidden = !chosen;
    }
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      const next = tabs[(index + step + tabs.length) % tabs.length];
      select(next);
      next.focus();
    });
  });
}

function pick(number) {
  const game = ticket.games[ticket.active];
  showError($("ticket-error"), "");
  if (game.includes(number)) game.splice(game.indexOf(number), 1);
  else if (game.length >= 6) {
    showError($("ticket-error"), t("check.six_only"));
    return;
  } else {
    game.push(number);
    game.sort((a, b) => a - b);
  }
  if (game.length === 6) {
    const next = ticket.games.findIndex((other) => other.length < 6);
    if (next !== -1 && next > ticket.active) ticket.active = next;
  }
  renderSlots();
  grid.refresh();
}

function renderSlots() {
  $("ticket-games").replaceChildren(
    ...ticket.games.map((game, index) =>
      h(
        "button",
        {
          type: "button",
          class: `slot${index === ticket.active ? " slot-active" : ""}`,
          "aria-pressed": String(index === ticket.active),
          "aria-label": t("check.slot", { letter: LETTERS[index], list: game.join(", ") || t("check.slot_empty") }),
          onclick: () => {
            ticket.active = index;
            renderSlots();
            grid.refresh();
          },
        },
        h("span", { class: "game-letter" }, LETTERS[index]),
        game.length ? ballRow(game, { small: true }) : h("span", { class: "fine" }, t("check.slot_hint")),
        h("span", { class: "slot-count" }, `${game.length}/6`),
      ),
    ),
  );
}

function checkTyped() {
  showError($("ticket-error"), "");
  const drawNo = Number($("check-draw").value);
  if (!Number.isInteger(drawNo) || drawNo < 1 || drawNo > 9999) {
    showError($("ticket-error"), t("check.bad_draw"));
    $("check-draw").focus();
    return;
  }
  const partial = ticket.games.findIndex((game) => game.length > 0 && game.length < 6);
  if (partial !== -1) {
    showError($("ticket-error"), t("check.partial", { letter: LETTERS[partial] }));
    return;
  }
  const games = ticket.games.filter((game) => game.length === 6);
  if (!games.length) {
    showError($("ticket-error"), t("check.no_games"));
    return;
  }
  submit({ draw_no: drawNo, games });
}

function show(...children) {
  fill($("check-result"), ...children);
}

/** Check a ticket (JSON games or QR text, or a photo as form data) and show how it did, with a
 * button to save it: as typed or as its QR text, or for a photo as the games read from it. */
async function submit(ticket, { path = "/api/tickets/check", waiting = t("check.checking"), explain = scanMessage } = {}) {
  show(h("p", { class: "fine", role: "status" }, waiting));
  try {
    const result = await api("POST", path, ticket);
    const draw = result.status === "graded" ? await api("GET", `/api/draws/${result.draw_no}`) : null;
    const saved = ticket instanceof FormData ? { draw_no: result.draw_no, games: result.games.map((game) => game.numbers) } : ticket;
    show(resultView(result, draw), saveControl(saved));
  } catch (error) {
    show(errorBox(explain(error)));
  }
}

/** A QR text the server could not read: in Korean a plain line, the server's reason beside it. */
function qrMessage(error) {
  return LANG === "ko" && error.status === 422 ? `${t("check.qr_invalid")} (${error.message})` : error.message;
}

/** Photo problems in the page's language; the server's own words in English (more specific). */
function scanMessage(error) {
  const reason = error.detail && typeof error.detail === "object" ? error.detail.reason : null;
  return reason && LANG === "ko" ? t(`scan.${reason}`) : error.message;
}

function resultView(result, draw) {
  if (result.status !== "graded") {
    const games = result.games.map((game, index) => h("li", { class: "result-game" }, h("span", { class: "game-letter" }, LETTERS[index]), ballRow(game.numbers, { small: true })));
    return h("div", { class: `result result-${result.status}` }, h("p", { class: "result-head" }, t(`check.${result.status}`, { n: result.draw_no })), h("ol", { class: "result-games" }, games));
  }
  const total = totalPrize(result.games);
  const games = result.games.map((game, index) => gradedGame(game, index, draw));
  return h(
    "div",
    { class: "result" },
    h("p", { class: "result-head" }, t("check.against", { n: draw.draw_no, date: formatDate(draw.draw_date) })),
    ballRow(draw.numbers, { small: true, bonus: draw.bonus_no, label: t("draw.numbers_of", { n: draw.draw_no }) }),
    h("ol", { class: "result-games" }, games),
    h("p", { class: "result-total" }, total ? t("check.total", { amount: formatWon(total) }) : t("check.no_win")),
  );
}

/** Live camera scanning where the browser can detect QR codes itself; the upload always works. */
function initCamera() {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const start = $("camera-start");
  start.hidden = false;
  let stream = null;
  const stop = () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    $("camera").hidden = true;
  };
  $("camera-stop").addEventListener("click", stop);
  start.addEventListener("click", async () => {
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      const video = $("camera-video");
      video.srcObject = stream;
      $("camera").hidden = false;
      await video.play();
      const scan = async () => {
        if (!stream) return;
        const codes = await detector.detect(video).catch(() => []);
        if (codes.length) {
          stop();
          submit({ qr: codes[0].rawValue }, { explain: qrMessage });
        } else requestAnimationFrame(scan);
      };
      scan();
    } catch (error) {
      stop();
      show(errorBox(t("check.camera_failed")));
    }
  });
}
