// The latest result and the browsable history of draws.

import { $, api, ballRow, emptyBox, errorBox, fill, formatDate, formatNumber, formatWon, formatWonLarge, h, rankLabel, showError, t } from "./ui.js";

const PAGE_SIZE = 10;
const history = { offset: 0, total: 0, contains: [], latest: null };

/** The tier table of a draw: winners and prize per winning game. */
function tierTable(draw) {
  return h(
    "table",
    { class: "tiers" },
    h("caption", { class: "visually-hidden" }, t("draw.tiers_caption", { n: draw.draw_no })),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("draw.rank")), h("th", { scope: "col" }, t("draw.winners")), h("th", { scope: "col" }, t("draw.prize")))),
    h(
      "tbody",
      {},
      draw.tiers.map((tier) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, rankLabel(tier.rank)),
          h("td", {}, tier.winners === null ? "—" : t("draw.games", { n: formatNumber(tier.winners) })),
          h("td", {}, tier.prize === null ? "—" : formatWon(tier.prize)),
        ),
      ),
    ),
  );
}

function drawTitle(draw) {
  return t("draw.title", { n: draw.draw_no, date: formatDate(draw.draw_date) });
}

export async function initLatest(health) {
  const body = $("latest-body");
  if (health && health.draws === 0) {
    fill(body, emptyBox(t("notice.no_data"), h("pre", {}, h("code", {}, "jinlotto data import PATH\njinlotto data update"))));
    return null;
  }
  try {
    const draw = await api("GET", "/api/draws/latest");
    $("latest-sub").textContent = drawTitle(draw);
    const split = [draw.first_auto, draw.first_manual, draw.first_semi_auto];
    fill(
      body,
      h("div", { class: "latest-balls" }, ballRow(draw.numbers, { label: t("draw.numbers_of", { n: draw.draw_no }), bonus: draw.bonus_no })),
      tierTable(draw),
      h(
        "p",
        { class: "fine" },
        draw.total_sales !== null ? t("draw.sales", { amount: formatWonLarge(draw.total_sales) }) : "",
        split.every((value) => value !== null) ? ` · ${t("draw.first_split", { auto: split[0], manual: split[1], semi: split[2] })}` : "",
      ),
    );
    history.latest = draw.draw_no;
    return draw;
  } catch (error) {
    fill(body, errorBox(error.message));
    return null;
  }
}

export function initHistory() {
  $("page-prev").addEventListener("click", () => loadPage(Math.max(history.offset - PAGE_SIZE, 0)));
  $("page-next").addEventListener("click", () => loadPage(history.offset + PAGE_SIZE));
  $("history-jump").addEventListener("submit", (event) => {
    event.preventDefault();
    jump();
  });
  $("history-find").addEventListener("submit", (event) => {
    event.preventDefault();
    find();
  });
  return loadPage(0);
}

async function loadPage(offset) {
  const params = new URLSearchParams({ limit: PAGE_SIZE, offset });
  if (history.contains.length) params.set("contains", history.contains.join(","));
  try {
    const page = await api("GET", `/api/draws?${params}`);
    history.offset = page.offset;
    history.total = page.total;
    showPage(page.items, null);
  } catch (error) {
    showError($("history-error"), error.message);
  }
}

function showPage(items, focusDraw) {
  const highlight = history.contains.length ? new Set(history.contains) : null;
  const list = $("history-list");
  fill(
    list,
    items.map((draw) =>
      h(
        "li",
        { class: `history-item${draw.draw_no === focusDraw ? " history-focus" : ""}`, id: `draw-${draw.draw_no}` },
        h(
          "details",
          {},
          h("summary", {}, h("span", { class: "history-title" }, h("strong", {}, t("draw.no", { n: draw.draw_no })), h("span", { class: "fine" }, formatDate(draw.draw_date, false))), ballRow(draw.numbers, { label: t("draw.numbers_of", { n: draw.draw_no }), bonus: draw.bonus_no, small: true, highlight })),
          tierTable(draw),
          draw.total_sales !== null ? h("p", { class: "fine" }, t("draw.sales", { amount: formatWonLarge(draw.total_sales) })) : null,
        ),
      ),
    ),
  );
  if (!items.length) list.append(h("li", { class: "fine" }, history.contains.length ? t("history.none_found") : t("notice.no_data")));
  const pages = Math.max(Math.ceil(history.total / PAGE_SIZE), 1);
  const current = Math.floor(history.offset / PAGE_SIZE) + 1;
  $("page-info").textContent = t("history.page", { page: formatNumber(current), pages: formatNumber(pages) });
  $("page-prev").disabled = history.offset === 0;
  $("page-next").disabled = history.offset + PAGE_SIZE >= history.total;
  $("history-status").textContent = history.contains.length
    ? t("history.found", { n: formatNumber(history.total), list: history.contains.join(", ") })
    : t("history.stored", { n: formatNumber(history.total) });
}

async function jump() {
  const value = Number($("jump-to").value);
  showError($("history-error"), "");
  if (!Number.isInteger(value) || value < 1) {
    showError($("history-error"), t("history.bad_draw"));
    return;
  }
  if (history.contains.length) {
    history.contains = [];
    $("find-numbers").value = "";
  }
  try {
    const draw = await api("GET", `/api/draws/${value}`);
    const newest = history.latest ?? draw.draw_no;
    const offset = Math.floor(Math.max(newest - draw.draw_no, 0) / PAGE_SIZE) * PAGE_SIZE;
    const page = await api("GET", `/api/draws?limit=${PAGE_SIZE}&offset=${offset}`);
    history.offset = page.offset;
    history.total = page.total;
    showPage(page.items, draw.draw_no);
    const item = $(`draw-${draw.draw_no}`);
    if (item) {
      item.querySelector("details").open = true;
      item.querySelector("summary").focus();
    }
  } catch (error) {
    showError($("history-error"), error.status === 404 ? t("history.not_stored", { n: value }) : error.message);
  }
}

async function find() {
  showError($("history-error"), "");
  const text = $("find-numbers").value.trim();
  const numbers = text ? text.split(/[\s,]+/).filter(Boolean).map(Number) : [];
  if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 45) || new Set(numbers).size > 6) {
    showError($("history-error"), t("history.bad_numbers"));
    return;
  }
  history.contains = [...new Set(numbers)].sort((a, b) => a - b);
  await loadPage(0);
}
