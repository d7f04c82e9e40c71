// Statistics of past draws as charts, each beside what a fair draw gives on average.

import { barChart, figure } from "./charts.js";
import { $, api, ball, colourOf, dataTable, emptyBox, errorBox, fill, formatNumber, h, t } from "./ui.js";

const NUMBERS = Array.from({ length: 45 }, (_, i) => i + 1);
let current = null;

export function initStats(health) {
  if (health && health.draws === 0) {
    fill($("stats-body"), emptyBox(t("notice.no_data")));
    return Promise.resolve();
  }
  $("stats-window").addEventListener("change", load);
  let width = 0;
  new ResizeObserver(() => {
    const now = $("stats-body").clientWidth;
    if (current && Math.abs(now - width) > 24) {
      width = now;
      render();
    }
  }).observe($("stats-body"));
  return load();
}

async function load() {
  const last = $("stats-window").value;
  $("stats-body").setAttribute("aria-busy", "true");
  try {
    current = await api("GET", `/api/analysis/statistical${last ? `?last=${last}` : ""}`);
    render();
  } catch (error) {
    fill($("stats-body"), errorBox(error.message));
  }
}

function chartWidth() {
  const body = $("stats-body");
  const columns = getComputedStyle(body).gridTemplateColumns.split(" ").length || 1;
  return Math.floor((body.clientWidth - (columns - 1) * 20) / columns) - 2;
}

function render() {
  const data = current;
  if (!data || !data.draws) {
    fill($("stats-body"), emptyBox(t("notice.no_data")));
    return;
  }
  const width = chartWidth();
  const expected = data.expected || {};
  const span = t("stats.span", { n: formatNumber(data.draws), from: data.first_draw_no, to: data.latest_draw_no });
  fill($("stats-body"), h("p", { class: "fine span-line" }, span), frequencies(data, width), gaps(data, width, expected), oddEven(data, width, expected), sums(data, width, expected), hotCold(data), pairs(data, expected));
  document.body.dataset.statsReady = "1";
}

function frequencies(data, width) {
  const counts = NUMBERS.map((n) => data.frequencies.counts[String(n)]);
  const each = data.frequencies.expected_each;
  const high = Math.max(...counts);
  const low = Math.min(...counts);
  const description = t("stats.freq_desc", { expected: formatNumber(each, 1), low, high });
  return figure(
    t("stats.freq"),
    barChart({ width, title: t("stats.freq"), description, labels: NUMBERS, values: counts, expected: each, expectedLabel: t("stats.expected_value", { value: formatNumber(each, 1) }), colours: NUMBERS.map(colourOf), labelEvery: 5 }),
    dataTable(t("stats.freq"), [t("stats.number"), t("stats.times")], NUMBERS.map((n, i) => [String(n), formatNumber(counts[i])])),
  );
}

function gaps(data, width, expected) {
  const values = NUMBERS.map((n) => data.gaps[String(n)] ?? 0);
  const mean = expected.gap_mean;
  const longest = NUMBERS[values.indexOf(Math.max(...values))];
  const description = t("stats.gaps_desc", { n: longest, gap: Math.max(...values), mean: mean === undefined ? "—" : formatNumber(mean, 1) });
  return figure(
    t("stats.gaps"),
    barChart({ width, title: t("stats.gaps"), description, labels: NUMBERS, values, expected: mean, expectedLabel: mean === undefined ? "" : t("stats.expected_mean", { value: formatNumber(mean, 1) }), colours: NUMBERS.map(colourOf), labelEvery: 5 }),
    dataTable(t("stats.gaps"), [t("stats.number"), t("stats.draws_ago")], NUMBERS.map((n, i) => [String(n), formatNumber(values[i])])),
  );
}

function distribution(title, width, labels, values, expectedValues, describe) {
  const description = describe();
  return figure(
    title,
    barChart({ width, height: 170, title, description, labels, values, expected: expectedValues, expectedLabel: t("stats.expected") }),
    dataTable(title, ["", t("stats.observed"), t("stats.expected")], labels.map((label, i) => [String(label), formatNumber(values[i]), expectedValues ? formatNumber(expectedValues[i], 1) : "—"])),
  );
}

function oddEven(data, width, expected) {
  const labels = [0, 1, 2, 3, 4, 5, 6];
  const values = labels.map((k) => data.odd_even[`odd_${k}`]);
  const wanted = expected.odd_even ? labels.map((k) => expected.odd_even[`odd_${k}`]) : undefined;
  const title = t("stats.odd");
  return distribution(title, width, labels.map((k) => `${k}:${6 - k}`), values, wanted, () => t("stats.odd_desc", { three: formatNumber(values[3]), expected: wanted ? formatNumber(wanted[3], 0) : "—" }));
}

function sums(data, width, expected) {
  const labels = Object.keys(data.sums.bins);
  const values = labels.map((key) => data.sums.bins[key]);
  const wanted = expected.sum_bins ? labels.map((key) => expected.sum_bins[key]) : undefined;
  const short = labels.map((key) => key.split("-")[0]);
  return distribution(t("stats.sums"), width, short, values, wanted, () => t("stats.sums_desc", { mean: formatNumber(data.sums.mean, 1), expected: formatNumber(data.sums.expected_mean, 0) }));
}

function hotCold(data) {
  const chips = (numbers) => h("ul", { class: "balls" }, numbers.map((n) => h("li", {}, ball(n, { small: true }))));
  return h(
    "figure",
    { class: "chart-figure" },
    h("figcaption", {}, t("stats.hot_cold", { n: data.hot_cold.window })),
    h("div", { class: "hot-cold" }, h("div", {}, h("h4", {}, t("stats.hot")), chips(data.hot_cold.hot)), h("div", {}, h("h4", {}, t("stats.cold")), chips(data.hot_cold.cold))),
    h("p", { class: "fine" }, t("stats.hot_note", { expected: formatNumber(data.hot_cold.expected_each, 1) })),
  );
}

function pairs(data, expected) {
  const top = Math.max(...data.top_pairs.map((p) => p.count), expected.pair_count || 0);
  const rows = data.top_pairs.map((entry) => {
    const fillBar = h("span", { class: "pair-fill" });
    fillBar.style.width = `${(entry.count / top) * 100}%`;
    const marker = h("span", { class: "pair-expected" });
    marker.style.left = `${((expected.pair_count || 0) / top) * 100}%`;
    marker.hidden = expected.pair_count === undefined;
    const label = t("stats.pair_label", { a: entry.pair[0], b: entry.pair[1], n: entry.count });
    return h("li", { class: "pair", "aria-label": label }, h("span", { class: "pair-balls", "aria-hidden": "true" }, ball(entry.pair[0], { small: true }), ball(entry.pair[1], { small: true })), h("span", { class: "pair-bar", "aria-hidden": "true" }, fillBar, marker), h("span", { class: "pair-count", "aria-hidden": "true" }, t("stats.times_n", { n: entry.count })));
  });
  const note = expected.pair_count !== undefined ? t("stats.pairs_expected", { value: formatNumber(expected.pair_count, 1) }) : "";
  return h("figure", { class: "chart-figure" }, h("figcaption", {}, t("stats.pairs")), h("ol", { class: "pairs" }, rows), h("p", { class: "fine" }, note));
}
