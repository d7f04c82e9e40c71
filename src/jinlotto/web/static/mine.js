// My numbers: the daily numbers this browser received and the tickets it saved, each with how
// it did once its draw is stored; saving a checked ticket and deleting a saved one.

import { $, api, ballRow, emptyBox, errorBox, fill, formatDate, formatWon, gradedGame, h, LETTERS, showError, t, totalPrize } from "./ui.js";

const NUMBERS_SHOWN = 10;
const TICKETS_SHOWN = 50; // the most that can wait for their draw
const SHOWN_OPEN = 3; // entries shown before "show more"
const draws = new Map(); // draw number -> promise of the stored draw (or null)

export async function initMine() {
  $("mine").hidden = false;
  await Promise.all([loadNumbers(), loadTickets()]);
  document.body.dataset.mineReady = "1";
}

async function loadNumbers() {
  try {
    const record = await api("GET", `/api/me/history?limit=${NUMBERS_SHOWN}`);
    fill($("mine-numbers"), await numbersView(record.recommendations));
  } catch (error) {
    fill($("mine-numbers"), errorBox(error.message));
  }
}

async function loadTickets() {
  try {
    const page = await api("GET", `/api/tickets/saved?limit=${TICKETS_SHOWN}`);
    fill($("mine-tickets"), await ticketsView(page.items));
  } catch (error) {
    fill($("mine-tickets"), errorBox(error.message));
  }
}

async function numbersView(recommendations) {
  if (!recommendations.length) return emptyBox(t("mine.no_numbers"));
  const entries = await Promise.all(
    recommendations.map((item) => entry(item, t("mine.draw", { n: item.draw_no }), t("mine.received", { date: formatDate(item.generated_for), strategy: strategyName(item.strategy) }))),
  );
  const graded = recommendations.some((item) => item.status === "graded");
  return [graded ? null : h("p", { class: "fine" }, t("mine.none_graded")), ...listed(entries)];
}

async function ticketsView(tickets) {
  if (!tickets.length) return emptyBox(t("mine.no_tickets"));
  const entries = await Promise.all(
    tickets.map((item) => {
      const saved = t("mine.saved_on", { date: formatDate(item.created_at.slice(0, 10), false), how: t(`mine.source_${item.source}`) });
      const remove = h("button", { type: "button", class: "btn-link entry-delete", "aria-label": t("mine.delete_label", { n: item.draw_no }), onclick: () => deleteTicket(item.id, remove) }, t("mine.delete"));
      return entry(item, t("mine.ticket", { n: item.draw_no }), saved, remove);
    }),
  );
  return listed(entries);
}

/** The newest entries, and the older ones folded away so the page stays short. */
function listed(entries) {
  const older = entries.slice(SHOWN_OPEN);
  return [
    h("ol", { class: "entries" }, entries.slice(0, SHOWN_OPEN)),
    older.length ? h("details", { class: "more" }, h("summary", {}, t("mine.more", { n: older.length })), h("ol", { class: "entries" }, older)) : null,
  ];
}

/** One received set or saved ticket: title, status, its games, and the total once graded. */
async function entry(item, title, sub, action = null) {
  const draw = item.status === "graded" ? await drawOf(item.draw_no) : null;
  const games =
    item.status === "graded"
      ? item.games.map((game, index) => gradedGame(game, index, draw))
      : item.games.map((game, index) => h("li", { class: "result-game" }, h("span", { class: "game-letter" }, LETTERS[index]), ballRow(game.numbers, { small: true })));
  const total = totalPrize(item.games);
  const footer =
    item.status === "graded"
      ? h("p", { class: "result-total" }, total ? t("check.total", { amount: formatWon(total) }) : t("check.no_win"))
      : h("p", { class: "fine warn" }, t(`mine.${item.status}`, { n: item.draw_no }));
  return h(
    "li",
    { class: `entry entry-${item.status}` },
    h("div", { class: "entry-head" }, h("span", { class: "entry-title" }, title), h("span", { class: `status status-${item.status}` }, t(`mine.status_${item.status}`)), action),
    h("p", { class: "fine entry-sub" }, sub),
    h("ol", { class: "result-games" }, games),
    footer,
  );
}

function drawOf(drawNo) {
  if (!draws.has(drawNo)) draws.set(drawNo, api("GET", `/api/draws/${drawNo}`).catch(() => null));
  return draws.get(drawNo);
}

function strategyName(name) {
  return ["statistical", "ml", "unified", "uniform", "popularity"].includes(name) ? t(`strategy.${name}`) : name;
}

async function deleteTicket(id, button) {
  button.disabled = true;
  showError($("mine-error"), "");
  try {
    await api("DELETE", `/api/tickets/saved/${id}`);
    await loadTickets();
  } catch (error) {
    button.disabled = false;
    showError($("mine-error"), error.message);
  }
}

/** A "save to My numbers" button for a checked ticket (`ticket` as POST /api/tickets/saved
 * takes it), with its outcome beside it. */
export function saveControl(ticket) {
  const status = h("p", { class: "fine", role: "status" });
  const problem = h("p", { class: "field-error", role: "alert", hidden: true });
  const button = h("button", { type: "button", class: "btn-ghost", id: "ticket-save" }, t("mine.save"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    showError(problem, "");
    status.textContent = t("mine.saving");
    try {
      await api("POST", "/api/tickets/saved", ticket);
      status.replaceChildren(t("mine.saved"), " ", h("a", { href: "#mine" }, t("mine.see")));
      await loadTickets();
    } catch (error) {
      status.textContent = "";
      showError(problem, saveProblem(error));
      button.disabled = false;
    }
  });
  return h("div", { class: "save-row" }, button, status, problem);
}

function saveProblem(error) {
  const detail = error.detail && typeof error.detail === "object" ? error.detail : {};
  return detail.code === "open_tickets" ? t("mine.limit", { n: detail.limit }) : error.message;
}
