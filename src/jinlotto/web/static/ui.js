// Shared helpers: messages, formatting, DOM building (text nodes only, never markup) and the API client.

const MESSAGES = JSON.parse(document.getElementById("messages").textContent);
export const LANG = document.documentElement.lang === "en" ? "en" : "ko";
const LOCALE = LANG === "en" ? "en-GB" : "ko-KR";

export function hasMessage(key) {
  return Object.hasOwn(MESSAGES, key);
}

/** The message `key`, with `{name}` placeholders filled from `values`. */
export function t(key, values = {}) {
  const text = MESSAGES[key];
  if (text === undefined) throw new Error(`missing message ${key}`);
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

/** An element with attributes (on* keys become listeners) and children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

export function $(id) {
  return document.getElementById(id);
}

const integer = new Intl.NumberFormat(LOCALE);
const decimal = (digits) => new Intl.NumberFormat(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatNumber(value, digits = 0) {
  return digits ? decimal(digits).format(value) : integer.format(value);
}

/** KRW as players read it: "58,932,497원" / "KRW 58,932,497". */
export function formatWon(value) {
  return t("unit.won", { amount: integer.format(value) });
}

/** Large KRW amounts shortened: "1,183억 원" / "KRW 118.3 bn". */
export function formatWonLarge(value) {
  if (LANG === "ko") {
    const eok = Math.round(value / 1e8);
    return eok >= 1 ? `${integer.format(eok)}억 원` : formatWon(value);
  }
  return `KRW ${new Intl.NumberFormat(LOCALE, { notation: "compact", maximumFractionDigits: 1 }).format(value)}`;
}

/** "2025년 11월 29일 (토)" / "Sat, 29 November 2025". */
export function formatDate(iso, withWeekday = true) {
  const [year, month, day] = iso.split("-").map(Number);
  const moment = new Date(Date.UTC(year, month - 1, day));
  const options = { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" };
  if (!withWeekday) return new Intl.DateTimeFormat(LOCALE, options).format(moment);
  if (LANG === "en") return new Intl.DateTimeFormat(LOCALE, { ...options, weekday: "short" }).format(moment);
  const weekday = new Intl.DateTimeFormat(LOCALE, { weekday: "short", timeZone: "UTC" }).format(moment);
  return `${new Intl.DateTimeFormat(LOCALE, options).format(moment)} (${weekday})`;
}

export function colourOf(number) {
  if (number <= 10) return "yellow";
  if (number <= 20) return "blue";
  if (number <= 30) return "red";
  if (number <= 40) return "grey";
  return "green";
}

/** One ball; screen readers read only its number. */
export function ball(number, { state = "", small = false } = {}) {
  const classes = ["ball", `ball-${colourOf(number)}`, small ? "ball-sm" : "", state].filter(Boolean).join(" ");
  return h("span", { class: classes }, String(number));
}

/** A row of six balls (and an optional bonus) as a list with a spoken label. */
export function ballRow(numbers, { label, bonus, highlight, small = false } = {}) {
  const row = h("ul", { class: "balls", "aria-label": label });
  for (const number of numbers) {
    const state = highlight ? (highlight.has(number) ? "ball-hit" : "ball-miss") : "";
    row.append(h("li", {}, ball(number, { state, small })));
  }
  if (bonus !== undefined) {
    row.append(h("li", { class: "plus", "aria-hidden": "true" }, "+"));
    const state = highlight ? (highlight.has(bonus) ? "ball-hit" : "ball-miss") : "";
    row.append(h("li", { "aria-label": t("ball.bonus", { n: bonus }) }, ball(bonus, { state, small })));
  }
  return row;
}

export class ApiError extends Error {
  constructor(status, message, detail) {
    super(message);
    this.status = status;
    this.detail = detail;
  }
}

/** JSON from the API; failures become ApiError with the server's message. */
export async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, t("error.network"));
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, (data && data.error) || t("error.status", { status: response.status }), data && data.detail);
  }
  return data;
}

/** Fill `container` with `children`, clearing what was there. */
export function fill(container, ...children) {
  container.replaceChildren(...children.flat().filter(Boolean));
  container.removeAttribute("aria-busy");
}

export function showError(element, message) {
  element.textContent = message;
  element.hidden = !message;
}

export function errorBox(message) {
  return h("p", { class: "error-box", role: "alert" }, message);
}

export function emptyBox(message, ...extra) {
  return h("div", { class: "empty-box" }, h("p", {}, message), ...extra);
}

/** A visually hidden data table, the text alternative of a chart. */
export function dataTable(caption, headers, rows) {
  return h(
    "details",
    { class: "chart-table" },
    h("summary", {}, t("chart.table")),
    h(
      "table",
      {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headers.map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) => (i === 0 ? h("th", { scope: "row" }, cell) : h("td", {}, cell)))))),
    ),
  );
}

export const LETTERS = ["A", "B", "C", "D", "E"];

/** One graded game as a list item: its balls (the matches marked when `draw` is given), how
 * many matched, and the rank and prize. */
export function gradedGame(game, index, draw) {
  const drawn = draw ? new Set([...draw.numbers, draw.bonus_no]) : null;
  const hits = drawn ? new Set(game.numbers.filter((n) => drawn.has(n) && (n !== draw.bonus_no || game.bonus_matched))) : undefined;
  const outcome = game.rank
    ? `${rankLabel(game.rank)} · ${game.prize === null ? t("check.prize_unknown") : formatWon(game.prize)}${game.prize_source === "rule" ? ` ${t("check.by_rule")}` : ""}`
    : rankLabel(0);
  const kind = game.kind && game.kind !== "unknown" ? ` · ${t(`check.kind_${game.kind}`)}` : "";
  return h(
    "li",
    { class: `result-game${game.rank ? " result-win" : ""}` },
    h("span", { class: "game-letter" }, LETTERS[index]),
    ballRow(game.numbers, { small: true, highlight: hits, label: t("check.game_label", { letter: LETTERS[index] }) }),
    h("span", { class: "result-outcome" }, h("span", { class: "fine" }, t("check.matched", { n: game.matched }), game.bonus_matched ? ` + ${t("check.bonus")}` : "", kind), h("strong", {}, outcome)),
  );
}

/** What a set of graded games paid in all (unpublished prizes count as nothing). */
export function totalPrize(games) {
  return games.reduce((sum, game) => sum + (game.prize || 0), 0);
}

/** Ranks as players say them. */
export function rankLabel(rank) {
  return rank ? t(`rank.${rank}`) : t("rank.none");
}
