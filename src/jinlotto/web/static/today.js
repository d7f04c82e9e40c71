// Today's numbers: the strategy picker, the filters (with inline checks) and the games.

import { NumberGrid } from "./grid.js";
import { $, api, ApiError, ballRow, emptyBox, errorBox, fill, formatDate, formatNumber, formatWon, h, hasMessage, LANG, LETTERS, showError, t } from "./ui.js";

const KNOWN_STRATEGIES = ["statistical", "ml", "unified", "uniform", "popularity"];
const RANGE_FILTERS = ["sum_range", "odd_range", "low_range", "end_digit_sum_range", "carryover_range"];
const SINGLE_FILTERS = ["min_ac", "max_consecutive", "max_per_zone", "max_same_end_digit", "min_span"];
const FILTER_ORDER = ["sum_range", "odd_range", "low_range", "min_ac", "max_consecutive", "max_per_zone", "end_digit_sum_range", "max_same_end_digit", "min_span", "carryover_range"];

const state = {
  fixed: new Set(),
  excluded: new Set(),
  limits: {},
  maxFixed: 5,
  strategies: null,
  defaultStrategy: null,
  noDraws: false,
  // The strategy the server chose when none was asked for: shown as picked, but not sent, so
  // that asking again without changing anything gives the same stored games.
  implicitStrategy: null,
};
let grid;
let resolveFirst;
/** Settles once the first request of the page has answered (it may set the visitor cookie). */
export const firstAnswer = new Promise((resolve) => {
  resolveFirst = resolve;
});

export async function initToday(health) {
  state.noDraws = Boolean(health && health.draws === 0);
  $("today-cookies").hidden = navigator.cookieEnabled;
  grid = new NumberGrid($("filter-grid"), {
    stateOf: (n) => (state.fixed.has(n) ? "fixed" : state.excluded.has(n) ? "excluded" : ""),
    describe: (n, s) => (s ? t(`grid.${s}`, { n }) : String(n)),
    onPick: pickNumber,
  });
  await loadStrategies();
  buildRanges();
  $("options").addEventListener("submit", (event) => {
    event.preventDefault();
    request();
  });
  $("filters-reset").addEventListener("click", resetFilters);
  $("strategy-list").addEventListener("change", () => {
    state.implicitStrategy = null;
  });
  $("options").addEventListener("input", () => checkOptions(false));
  describePicks();
  if (state.noDraws) {
    $("today-draw").textContent = "";
    fill($("today-games"), emptyBox(t("notice.no_data")));
    resolveFirst();
    return;
  }
  await request();
}

async function loadStrategies() {
  let info = null;
  try {
    info = await api("GET", "/api/strategies");
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) console.info("strategies unavailable", error.message);
  }
  const listed = info && Array.isArray(info.strategies) ? info.strategies : KNOWN_STRATEGIES.map((name) => ({ name, available: true }));
  state.limits = (info && info.filters) || {};
  state.maxFixed = (info && info.max_fixed) || 5;
  state.defaultStrategy = (info && info.default) || null;
  const list = $("strategy-list");
  list.replaceChildren(
    ...listed
      .filter((entry) => KNOWN_STRATEGIES.includes(entry.name))
      .map((entry) =>
        h(
          "label",
          { class: `strategy${entry.available === false ? " strategy-off" : ""}` },
          h("input", { type: "radio", name: "strategy", value: entry.name, checked: entry.name === state.defaultStrategy, disabled: entry.available === false }),
          h("span", { class: "strategy-name" }, t(`strategy.${entry.name}`), entry.name === state.defaultStrategy ? h("span", { class: "tag" }, t("strategy.default")) : null),
          h("span", { class: "strategy-line" }, entry.available === false ? t("strategy.unavailable") : t(`strategy.${entry.name}.line`)),
        ),
      ),
  );
}

function buildRanges() {
  const container = $("ranges");
  container.replaceChildren(
    ...FILTER_ORDER.map((name) => {
      const limit = state.limits[name] || {};
      const ranged = RANGE_FILTERS.includes(name);
      const placeholder = (suffix) => (ranged ? (suffix === "-max" ? limit.max : limit.min) : undefined);
      const attributes = (suffix) => ({ type: "number", inputmode: "numeric", id: `f-${name}${suffix}`, min: limit.min, max: limit.max, placeholder: placeholder(suffix), "aria-describedby": `f-${name}-error` });
      const inputs = ranged
        ? [h("input", { ...attributes("-min"), "aria-label": t("filters.min_of", { name: t(`filter.${name}`) }) }), h("span", { "aria-hidden": "true" }, "–"), h("input", { ...attributes("-max"), "aria-label": t("filters.max_of", { name: t(`filter.${name}`) }) })]
        : [h("input", { ...attributes(""), "aria-label": t(`filter.${name}`) })];
      return h(
        "div",
        { class: "range", "data-filter": name },
        h("span", { class: "range-label" }, t(`filter.${name}`), limit.min !== undefined && !ranged ? h("span", { class: "range-limit" }, ` ${limit.min}–${limit.max}`) : null),
        h("span", { class: "range-inputs" }, inputs),
        h("span", { class: "field-error", id: `f-${name}-error`, role: "alert", hidden: true }),
      );
    }),
  );
}

function pickNumber(number) {
  const mode = document.querySelector('input[name="pick-mode"]:checked').value;
  const target = mode === "fixed" ? state.fixed : state.excluded;
  const other = mode === "fixed" ? state.excluded : state.fixed;
  let refusal = "";
  if (target.has(number)) target.delete(number);
  else if (mode === "fixed" && state.fixed.size >= state.maxFixed) refusal = t("filters.too_many_fixed", { n: state.maxFixed });
  else if (mode === "excluded" && state.excluded.size >= 45 - 6) refusal = t("filters.too_many_excluded");
  else {
    other.delete(number);
    target.add(number);
  }
  showError($("grid-error"), refusal);
  grid.refresh();
  describePicks();
  checkOptions(false);
}

function describePicks() {
  const sorted = (set) => [...set].sort((a, b) => a - b).join(", ");
  const parts = [];
  if (state.fixed.size) parts.push(t("filters.fixed_list", { list: sorted(state.fixed) }));
  if (state.excluded.size) parts.push(t("filters.excluded_list", { list: sorted(state.excluded) }));
  $("picked-summary").textContent = parts.join(" · ") || t("filters.none_picked");
  const count = state.fixed.size + state.excluded.size + activeFilters().length + ($("allow-past").checked ? 1 : 0);
  $("filter-count").hidden = count === 0;
  $("filter-count").textContent = String(count);
}

function activeFilters() {
  return FILTER_ORDER.filter((name) => (RANGE_FILTERS.includes(name) ? $(`f-${name}-min`).value || $(`f-${name}-max`).value : $(`f-${name}`).value));
}

function resetFilters() {
  state.fixed.clear();
  state.excluded.clear();
  for (const input of $("ranges").querySelectorAll("input")) input.value = "";
  $("allow-past").checked = false;
  showError($("grid-error"), "");
  grid.refresh();
  checkOptions(false);
  describePicks();
}

function readInteger(input, problems, name) {
  if (input.value === "") return null;
  const value = Number(input.value);
  if (!Number.isInteger(value)) {
    problems[name] = t("filters.whole_number");
    return null;
  }
  return value;
}

/** The filters as the API takes them, and every contradiction found, by filter name. */
function readFilters() {
  const filters = {};
  const problems = {};
  for (const name of FILTER_ORDER) {
    const limit = state.limits[name] || {};
    const outside = (value) => value !== null && ((limit.min !== undefined && value < limit.min) || (limit.max !== undefined && value > limit.max) || value < 0);
    const between = () => (limit.min !== undefined ? t("filters.between", { min: limit.min, max: limit.max }) : t("filters.not_negative"));
    if (RANGE_FILTERS.includes(name)) {
      let low = readInteger($(`f-${name}-min`), problems, name);
      let high = readInteger($(`f-${name}-max`), problems, name);
      if (problems[name] || (low === null && high === null)) continue;
      if (low === null) low = limit.min ?? 0;
      if (high === null) {
        if (limit.max === undefined) {
          problems[name] = t("filters.both_ends");
          continue;
        }
        high = limit.max;
      }
      if (outside(low) || outside(high)) problems[name] = between();
      else if (low > high) problems[name] = t("filters.min_over_max");
      else filters[name] = [low, high];
    } else {
      const value = readInteger($(`f-${name}`), problems, name);
      if (value === null) continue;
      if (outside(value)) problems[name] = between();
      else filters[name] = value;
    }
  }
  const fixed = [...state.fixed];
  checkAgainstFixed(filters, problems, fixed);
  if (fixed.length) filters.fixed = fixed.sort((a, b) => a - b);
  if (state.excluded.size) filters.excluded = [...state.excluded].sort((a, b) => a - b);
  if ($("allow-past").checked) filters.exclude_past_winners = false;
  return { filters, problems };
}

/** Ranges the fixed numbers already rule out: what any game holding them can still reach. */
function checkAgainstFixed(filters, problems, fixed) {
  if (!fixed.length) return;
  const free = Array.from({ length: 45 }, (_, i) => i + 1).filter((n) => !state.fixed.has(n) && !state.excluded.has(n));
  const rest = 6 - fixed.length;
  const base = fixed.reduce((a, b) => a + b, 0);
  const sumOf = (numbers) => numbers.reduce((a, b) => a + b, base);
  const reachable = {
    sum_range: [sumOf(free.slice(0, rest)), sumOf(free.slice(free.length - rest))],
    odd_range: countRange(fixed, free, rest, (n) => n % 2 === 1),
    low_range: countRange(fixed, free, rest, (n) => n <= 22),
  };
  for (const [name, [low, high]] of Object.entries(reachable)) {
    const wanted = filters[name];
    if (wanted && !problems[name] && (low > wanted[1] || high < wanted[0])) {
      problems[name] = t("filters.fixed_rules_out", { low, high });
      delete filters[name];
    }
  }
}

function countRange(fixed, free, rest, test) {
  const have = fixed.filter(test).length;
  const available = free.filter(test).length;
  return [have + Math.max(0, rest - (free.length - available)), have + Math.min(rest, available)];
}

function checkOptions(announce) {
  const { filters, problems } = readFilters();
  for (const name of FILTER_ORDER) {
    const message = problems[name] || "";
    showError($(`f-${name}-error`), message);
    $("ranges").querySelector(`[data-filter="${name}"]`).classList.toggle("range-bad", Boolean(message));
  }
  describePicks();
  const bad = Object.keys(problems);
  showError($("options-error"), bad.length && announce ? t("filters.fix_first") : "");
  if (bad.length && announce) {
    $("filters").open = true;
    const first = $("ranges").querySelector(".range-bad input");
    if (first) first.focus();
  }
  return bad.length ? null : filters;
}

async function request() {
  const filters = checkOptions(true);
  if (filters === null) return;
  const picked = document.querySelector('input[name="strategy"]:checked');
  const body = { num_sets: Number($("num-sets").value), filters };
  if (picked && picked.value !== state.implicitStrategy) body.strategy = picked.value;
  const box = $("today-games");
  box.setAttribute("aria-busy", "true");
  box.classList.add("loading");
  $("get-numbers").disabled = true;
  try {
    const result = await api("POST", "/api/predict", body);
    showGames(result, body.strategy);
  } catch (error) {
    showRequestError(error);
  } finally {
    box.classList.remove("loading");
    $("get-numbers").disabled = false;
    resolveFirst();
  }
}

function showRequestError(error) {
  const detail = error.detail && typeof error.detail === "object" && !Array.isArray(error.detail) ? error.detail : {};
  const message = filterErrorMessage(error, detail);
  if (detail.option && $(`f-${detail.option}-error`)) {
    $("filters").open = true;
    showError($(`f-${detail.option}-error`), message);
    showError($("options-error"), t("filters.server_refused"));
    return;
  }
  if (detail.code) {
    showError($("options-error"), message);
    return;
  }
  if (error.status === 503) {
    $("today-draw").textContent = "";
    fill($("today-games"), emptyBox(state.noDraws ? t("notice.no_data") : error.message));
    return;
  }
  showError($("options-error"), error.message);
  if (!$("today-games").querySelector(".game")) fill($("today-games"), errorBox(error.message));
}

/** A refused filter in the page's language, from the error's code and figures; the server's
 * English text for a code the catalog does not know. */
function filterErrorMessage(error, detail) {
  const key = `filter_error.${detail.code}`;
  if (error.status !== 422 || !hasMessage(key)) return error.message;
  return t(key, { ...detail, option: optionName(detail.option) });
}

function optionName(option) {
  if (FILTER_ORDER.includes(option)) return t(`filter.${option}`);
  return option === "fixed" || option === "excluded" ? t(`filters.${option}`) : option;
}

function showGames(result, asked) {
  const date = result.draw_date ? formatDate(result.draw_date) : null;
  $("today-draw").textContent = date ? t("today.for_draw_date", { n: result.draw_no, date }) : t("today.for_draw", { n: result.draw_no });
  const answered = document.querySelector(`input[name="strategy"][value="${result.strategy}"]`);
  if (answered && !asked) {
    answered.checked = true;
    state.implicitStrategy = result.strategy;
  }
  const games = result.sets.map((numbers, index) => gameCard(numbers, index, result.confidence_scores[index], result.analysis_summary[index] || {}));
  const notes = [];
  if (asked && asked !== result.strategy) notes.push(h("p", { class: "fine warn" }, t("today.answered_by", { name: t(`strategy.${result.strategy}`) })));
  notes.push(h("p", { class: "fine" }, t("today.confidence_note")));
  fill($("today-games"), h("div", { class: "game-list" }, games), notes);
  const relaxed = $("today-relaxed");
  const dropped = result.relaxed && Array.isArray(result.relaxed.dropped) ? result.relaxed.dropped : [];
  relaxed.hidden = dropped.length === 0;
  relaxed.textContent = dropped.length ? t("today.relaxed", { list: dropped.map(relaxedName).join(", ") }) : "";
  document.body.dataset.todayReady = "1";
}

function relaxedName(name) {
  if (name === "diversity" || name === "strategy_weights") return t(`relaxed.${name}`);
  return FILTER_ORDER.includes(name) ? t(`filter.${name}`) : name;
}

function gameCard(numbers, index, confidence, analysis) {
  const facts = [];
  const fact = (label, value) => facts.push(h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value)));
  if (analysis.sum !== undefined) fact(t("analysis.sum"), formatNumber(analysis.sum));
  if (analysis.odd !== undefined) fact(t("analysis.odd_even"), `${analysis.odd}:${analysis.even}`);
  if (analysis.low !== undefined) fact(t("analysis.low_high"), `${analysis.low}:${analysis.high}`);
  if (analysis.ac !== undefined) fact("AC", String(analysis.ac));
  if (Array.isArray(analysis.zones)) fact(t("analysis.zones"), analysis.zones.join("·"));
  if ("won_first_prize_before" in analysis) {
    fact(t("analysis.first_prize"), analysis.won_first_prize_before ? t("analysis.won_in", { n: analysis.won_first_prize_before }) : t("analysis.never_won"));
  }
  const bar = h("span", { class: "confidence-fill" });
  bar.style.width = `${Math.round(Math.min(Math.max(confidence, 0), 1) * 100)}%`;
  return h(
    "article",
    { class: "game", "aria-label": t("today.game", { letter: LETTERS[index] }) },
    h("div", { class: "game-head" }, h("span", { class: "game-letter", "aria-hidden": "true" }, LETTERS[index]), ballRow(numbers, { label: t("today.game_numbers", { letter: LETTERS[index] }) })),
    h("dl", { class: "facts" }, facts),
    h("div", { class: "confidence", title: t("today.confidence_note") }, h("span", { class: "confidence-label" }, t("today.confidence")), h("span", { class: "confidence-bar", "aria-hidden": "true" }, bar), h("span", { class: "confidence-value" }, formatNumber(confidence, 2))),
    analysis.popularity ? popularityBlock(analysis.popularity) : null,
  );
}

/** Expected co-winners and prize per 1,000 KRW beside a random game's. */
export function popularityBlock(popularity) {
  const first = popularity.expected_cowinners && popularity.expected_cowinners["1"];
  const index = popularity.popularity_index;
  const lines = [];
  if (first !== undefined && index) {
    lines.push(h("p", {}, t("popularity.cowinners", { n: formatNumber(first, 1), random: formatNumber(first / index, 1), ratio: formatNumber(index, 2) })));
  }
  if (popularity.expected_prize_per_1000 !== undefined) {
    lines.push(h("p", {}, t("popularity.prize", { won: formatWon(Math.round(popularity.expected_prize_per_1000)), random: formatWon(Math.round(popularity.random_game_prize_per_1000)) })));
  }
  const extrapolated = popularity.extrapolated ?? popularity.beyond_training_patterns;
  if (extrapolated) lines.push(h("p", { class: "warn" }, LANG === "en" && popularity.reason ? popularity.reason : t("popularity.extrapolated")));
  return h("div", { class: "popularity" }, lines);
}
